# gen_set_programs.py SEED - prints a random program of int-set operations
# (valid Python): run it with python3 and nnsh and compare the outputs to
# check that sets iterate in CPython's order (value_setsim.c).
import random, sys
seed = int(sys.argv[1]); random.seed(seed)
lines = []
def rint():
    return random.choice([random.randint(-5, 40), random.randint(0, 8) * 8 + random.randint(0, 2), random.randint(-100, 300), 2**random.randint(3, 40), -1, -2])
def lit(n=None):
    n = random.randint(0, 12) if n is None else n
    return "{" + ", ".join(str(rint()) for _ in range(n)) + "}" if n else "set()"
names = ["a", "b", "c"]
for nm in names:
    lines.append(f"{nm} = {lit()}")
for _ in range(25):
    x, y = random.choice(names), random.choice(names)
    r = random.random()
    if r < 0.12: lines.append(f"{x}.add({rint()})")
    elif r < 0.2: lines.append(f"{x}.discard({rint()})")
    elif r < 0.26: lines.append(f"if {x}: {x}.remove(next(iter({x})))")
    elif r < 0.32: lines.append(f"{x} = {y} | {lit(random.randint(0,6))}")
    elif r < 0.38: lines.append(f"{x} = {x} & {y}")
    elif r < 0.44: lines.append(f"{x} = {y} - {x}")
    elif r < 0.50: lines.append(f"{x} = {x} ^ {y}")
    elif r < 0.55: lines.append(f"{x} |= {y}")
    elif r < 0.60: lines.append(f"{x} &= {lit()}")
    elif r < 0.65: lines.append(f"{x} -= {y}")
    elif r < 0.70: lines.append(f"{x} ^= {lit()}")
    elif r < 0.74: lines.append(f"{x}.update([{rint()}, {rint()}], {y})")
    elif r < 0.78: lines.append(f"{x} = {x}.union({y}, [{rint()}])")
    elif r < 0.81: lines.append(f"{x} = {x}.intersection({y}, {lit()})")
    elif r < 0.84: lines.append(f"{x} = {x}.difference({lit()}, {y})")
    elif r < 0.87: lines.append(f"if {x}: {x}.pop()")
    elif r < 0.90: lines.append(f"{x} = set({y})")
    elif r < 0.92: lines.append(f"{x} = {y}.copy()")
    elif r < 0.94: lines.append(f"{x} = set([{rint()}, {rint()}, {rint()}])")
    elif r < 0.96: lines.append(f"{x} = {{v for v in {y} if v % 3}}")
    elif r < 0.98: lines.append(f"{x}.symmetric_difference_update({y})")
    else: lines.append(f"{x}.clear()")
    lines.append(f"print({x}, list({x}))")
print("\n".join(lines))
