/* mod_data.h - shared by the data part's language files: mod_data.c
 * (numpy file functions, NpzFile), mod_data_struct.c (genfromtxt's
 * structured arrays), mod_datasets.c (keras.datasets, the teaching sets,
 * sklearn.datasets), mod_sklearn.c (model_selection, preprocessing).
 * Owned by the data part.
 */
#ifndef NNSH_MOD_DATA_H
#define NNSH_MOD_DATA_H

#include "tensor_value.h"

extern const NativeClass data_npz_class;

/* Raises the pending lib error (interp_error_from_nn); returns false. */
bool data_nn_error(Interp *I);
/* A file name argument (str). */
bool data_path_arg(Interp *I, const char *fname, Value v, const char **out);
/* FileNotFoundError "[Errno 2] No such file or directory: 'x'" unless path exists. */
bool data_check_readable(Interp *I, const char *path);
/* genfromtxt(names=True): a structured array of the named float columns. */
bool data_struct_load(Interp *I, const char *path, const NnTextOptions *o, Value *out);
/* An optional random_state argument: None/unset -> -1 (the session's
 * generator), else a seed in [0, 2**32). */
bool data_random_state(Interp *I, const char *fname, Value v, int64_t *out);
/* (a, b) as a tuple of numpy arrays; takes both references (also on failure). */
bool data_pair(Interp *I, NnTensor *a, NnTensor *b, Value *out);

/* mod_sklearn.c: the create functions of sklearn.model_selection and
 * sklearn.preprocessing. */
bool sklearn_model_selection_create(Interp *I, Value *out);
bool sklearn_preprocessing_create(Interp *I, Value *out);

/* mod_tfdata.c: tf.data.  data_tf_data_create builds the extension module
 * "nnsh.tf_data" (attribute `data`).  data_is_dataset tells a Dataset;
 * data_dataset_elements lists its elements (a new list of tf tensors or
 * tuples of them, freshly shuffled), which is what model.fit(dataset)
 * iterates over. */
bool data_tf_data_create(Interp *I, Value *out);
bool data_is_dataset(Value v);
bool data_dataset_elements(Interp *I, Value ds, Value *out);

/* mod_sklearn.c: v[idx] along the first axis (idx int64): a list for a
 * list, else a numpy array. */
bool data_take_rows(Interp *I, Value v, const NnTensor *idx, Value *out);
/* mod_cv.c: the built-ins kfold and grid_search. */
extern const NativeDef data_cv_defs[];

#endif
