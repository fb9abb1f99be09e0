/* modules.h - what each built-in module file installs into an Interp.
 *
 * interp_new() calls these in order; each registers its modules lazily with
 * interp_register_module() and its global built-ins with interp_add_builtin().
 * Each returns false with an error pending (memory) on failure.
 */
#ifndef NNSH_MODULES_H
#define NNSH_MODULES_H

#include "interp.h"

bool pybuiltins_install(Interp *I);   /* builtins.c: print, len, range, ..., exceptions */
bool pymods_install(Interp *I);       /* pymods.c: math, random, time, sys, os.path */
bool tensor_install(Interp *I);       /* mod_tf.c + mod_np.c: tensorflow, numpy */

/* methods.c: the methods of str, list, tuple, dict and set values
 * ("abc".upper, xs.append, d.items ...).  value_getattr calls it for those
 * kinds; *found=false when the type has no such method.  The result is a
 * bound native method. */
bool methods_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
/* The method names of a core object kind, NULL-terminated (dir, completion). */
const char *const *methods_names(ObjKind kind);
/* Added for frozenset: its method names (the set methods that do not
 * change the set), for dir() and completion.  methods_unbound below with
 * kind (ObjKind)-1 gives frozenset.union & co. as plain functions. */
const char *const *methods_frozenset_names(void);

/* Added by the built-ins engineer (methods.c): the method `name` of a core
 * kind as a plain function taking the object first, for `str.lower`,
 * `list.append(xs, 1)`, sorted(words, key=str.lower).  value_getattr on
 * the built-in type objects str/list/tuple/dict/set can call it when the
 * type's dict has no such attribute; *found=false when there is none. */
bool methods_unbound(Interp *I, ObjKind kind, const char *name, Value *out, bool *found);

/* Added by the plots part (plot.c): the built-ins plot, scatter, hist,
 * plot_boundary and show.  To be called by interp_init after tensor_install. */
bool plot_install(Interp *I);

/* Added by the model-runtime engineer (mod_keras*.c): registers `keras`,
 * `tensorflow.keras` and the tf extension `nnsh.tf_keras` (tf.keras).
 * interp_new() should call it after tensor_install(). */
bool keras_install(Interp *I);

/* Added by the data part (mod_data.c, mod_datasets.c, mod_sklearn.c):
 * data_install registers keras.datasets (merged into keras through
 * "nnsh.keras_datasets"), sklearn and its submodules, and the built-ins
 * spiral, moons, circles, xor, blobs; interp_new() should call it after
 * tensor_install().  data_install_numpy adds np.save, np.load, np.savez,
 * np.savez_compressed, np.loadtxt, np.genfromtxt and np.savetxt to the
 * numpy module; mod_np_create should call it on the module it builds. */
bool data_install(Interp *I);
bool data_install_numpy(Interp *I, Value np_module);

#endif
