# gen_datasets_cases.py - being written
