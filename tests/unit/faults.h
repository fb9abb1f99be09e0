/* faults.h - shared between test_faults.c (language scenarios and the
 * driver) and test_faults_lib.c (runtime scenarios). */
#ifndef FAULTS_H
#define FAULTS_H

#include <stdbool.h>

extern long faults_total_points;
extern int faults_total_scenarios;
bool faults_wanted(const char *name);
void faults_report(const char *name, long points);

void test_faults_layers(void **state);
void test_faults_optimizers(void **state);
void test_faults_fit(void **state);
void test_faults_loaders(void **state);
void test_faults_model_save(void **state);

#define FAULTS_LIB_TESTS \
    cmocka_unit_test(test_faults_layers), \
    cmocka_unit_test(test_faults_optimizers), \
    cmocka_unit_test(test_faults_fit), \
    cmocka_unit_test(test_faults_loaders), \
    cmocka_unit_test(test_faults_model_save)

#endif
