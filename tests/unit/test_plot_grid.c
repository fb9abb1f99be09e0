/* test_plot_grid.c - charts as character grids, without a terminal.
 *
 * Every expected cell is derived by hand from the mapping documented in
 * plot_grid.c: a value v in [lo, hi] lands on pixel
 * round((v - lo) / (hi - lo) * (pixels - 1)), y counted from the top; the
 * y labels sit right-aligned left of the axis column, whose width is the
 * longest label + 1; a braille cell is 2x4 pixels with the dot bits
 *   (0,0)=0x01 (0,1)=0x02 (0,2)=0x04 (0,3)=0x40
 *   (1,0)=0x08 (1,1)=0x10 (1,2)=0x20 (1,3)=0x80   (x, y within the cell).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <math.h>
#include <cmocka.h>
#include "plot_grid.h"

static char row_buf[512];

/* Row y as UTF-8 text without colours (trailing blanks trimmed). */
static const char *row_text(const PlotGrid *g, int y)
{
    PlotGrid one = { g->w, 1, g->cells + (size_t)y * g->w };
    StrBuf sb;
    sb_init(&sb);
    plot_grid_to_text(&one, false, &sb);
    assert_non_null(sb.data);
    assert_true(sb.len < sizeof row_buf);
    memcpy(row_buf, sb.data, sb.len - 1);      /* without the '\n' */
    row_buf[sb.len - 1] = '\0';
    sb_free(&sb);
    return row_buf;
}

static void test_nice_ticks(void **state)
{
    (void)state;
    double t[16], step;
    int n = plot_nice_ticks(0, 1, 6, t, &step);
    assert_int_equal(n, 6);
    assert_true(fabs(step - 0.2) < 1e-12);
    const char *want[] = { "0", "0.2", "0.4", "0.6", "0.8", "1" };
    for (int i = 0; i < 6; i++) {
        char b[32];
        plot_tick_label(t[i], step, b, sizeof b);
        assert_string_equal(b, want[i]);
    }
    n = plot_nice_ticks(0, 100, 6, t, &step);
    assert_int_equal(n, 6);
    assert_true(step == 20 && t[5] == 100);
    n = plot_nice_ticks(0.3, 2.7, 5, t, &step);   /* 0.5, 1, 1.5, 2, 2.5 */
    assert_int_equal(n, 5);
    assert_true(step == 0.5 && t[0] == 0.5 && t[4] == 2.5);
    n = plot_nice_ticks(-1, 1, 3, t, &step);       /* -1, 0, 1 */
    assert_int_equal(n, 3);
    assert_true(t[0] == -1 && t[1] == 0 && t[2] == 1);
}

static void test_tick_labels(void **state)
{
    (void)state;
    char b[32];
    plot_tick_label(250, 50, b, sizeof b);
    assert_string_equal(b, "250");
    plot_tick_label(1.5, 0.5, b, sizeof b);
    assert_string_equal(b, "1.5");
    plot_tick_label(-0.0, 0.1, b, sizeof b);
    assert_string_equal(b, "0");
    plot_tick_label(0.05, 0.05, b, sizeof b);
    assert_string_equal(b, "0.05");
    plot_tick_label(1e-5, 1e-5, b, sizeof b);
    assert_string_equal(b, "1e-05");
    plot_tick_label(2e6, 1e6, b, sizeof b);
    assert_string_equal(b, "2e+06");
}

/* y = 0..9 at x = 0..9 in a 10x10-cell ASCII area: the points are the
 * anti-diagonal cells.  Grid 13x12: no title/legend, axis row 10, x labels
 * row 11; y ticks 0,2,4,6,8 (one-character labels: left = 2). */
static void test_ascii_diagonal(void **state)
{
    (void)state;
    double y[10];
    for (int i = 0; i < 10; i++)
        y[i] = i;
    PlotSeries s = { .y = y, .n = 10, .colour = 6, .marker = '*' };
    PlotChart c;
    plot_chart_init(&c);
    c.series = &s;
    c.nseries = 1;
    c.glyphs = PLOT_ASCII;
    c.ymin = 0;         /* a fixed range: the data's own, not grown to ticks */
    c.ymax = 9;
    PlotGrid g;
    assert_true(plot_grid_init(&g, 13, 12));
    PlotLayout L;
    assert_true(plot_chart_render(&c, &g, &L));
    assert_int_equal(L.left, 2);
    assert_int_equal(L.pw, 10);
    assert_int_equal(L.ph, 10);
    for (int r = 0; r < 10; r++)
        for (int col = 2; col < 12; col++) {
            bool on_diag = col - 2 == 9 - r;
            assert_int_equal(plot_cell(&g, col, r)->ch, on_diag ? '*' : ' ');
            if (on_diag)
                assert_int_equal(plot_cell(&g, col, r)->fg, 6);
        }
    assert_string_equal(row_text(&g, 0), " |         *");
    assert_string_equal(row_text(&g, 1), "8+        *");
    assert_string_equal(row_text(&g, 7), "2+  *");
    assert_string_equal(row_text(&g, 9), "0+*");
    assert_string_equal(row_text(&g, 10), " ++----+----");
    assert_string_equal(row_text(&g, 11), "  0    5");
    plot_grid_free(&g);
}

/* The same line in braille over 10x5 cells = 20x20 pixels: the points map
 * to pixels (round(19 i / 9), 19 - round(19 i / 9)), the segments between
 * them are 45-degree lines, so the pixels are exactly (p, 19 - p). */
static void test_braille_diagonal(void **state)
{
    (void)state;
    double y[10];
    for (int i = 0; i < 10; i++)
        y[i] = i;
    PlotSeries s = { .y = y, .n = 10, .colour = 3 };
    PlotChart c;
    plot_chart_init(&c);
    c.series = &s;
    c.nseries = 1;
    c.ymin = 0;
    c.ymax = 9;
    PlotGrid g;
    assert_true(plot_grid_init(&g, 13, 7));
    PlotLayout L;
    assert_true(plot_chart_render(&c, &g, &L));
    assert_int_equal(L.pw, 10);
    assert_int_equal(L.ph, 5);
    static const uint8_t bit[4][2] = { { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 } };
    uint8_t want[5][10] = { { 0 } };
    for (int p = 0; p < 20; p++)
        want[(19 - p) / 4][p / 2] |= bit[(19 - p) % 4][p % 2];
    for (int r = 0; r < 5; r++)
        for (int col = 0; col < 10; col++) {
            uint32_t ch = plot_cell(&g, L.left + col, r)->ch;
            if (want[r][col])
                assert_int_equal(ch, 0x2800 + want[r][col]);
            else
                assert_int_equal(ch, ' ');
        }
    /* the first cell (bottom left) holds pixels (0,19) and (1,18) */
    assert_int_equal(plot_cell(&g, L.left, 4)->ch, 0x2800 + 0x40 + 0x20);
    /* axis glyphs */
    assert_int_equal(plot_cell(&g, L.left - 1, 5)->ch, 0x2514);
    assert_int_equal(plot_cell(&g, L.left + 1, 5)->ch, 0x2500);
    plot_grid_free(&g);
}

/* A range from the data grows to the ticks around it, so the top row is
 * labelled.  y = 0, 0.9 in ASCII on 12x7 cells: 5 rows, at most
 * 5 / 2 + 1 = 3 ticks.  Inside [0, 0.9] the step 0.5 gives 0, 0.5
 * (0.1 and 0.2 give 10 and 5); grown up to 1 that is 0, 0.5, 1 (3 ticks),
 * so the range is [0, 1]: 1 on row 0, 0.5 on row round(0.5 * 4) = 2, 0 on
 * row 4; the labels are 3 wide, the axis in column 3.  Before, the range
 * stayed [0, 0.9] and row 0 had no label.  The point 0.9 lands on pixel
 * row round(0.1 * 4) = 0, the last of pw = 12 - 4 - 1 = 7 columns.
 * 0..9 on the 13x12 grid of test_ascii_diagonal: at most 6 ticks, step 2
 * (0..8, 5 ticks); grown, 0..10 is 6 ticks, so "10" heads the axis. */
static void test_top_label(void **state)
{
    (void)state;
    double y[2] = { 0, 0.9 };
    PlotSeries s = { .y = y, .n = 2, .marker = '*' };
    PlotChart c;
    plot_chart_init(&c);
    c.series = &s;
    c.nseries = 1;
    c.glyphs = PLOT_ASCII;
    PlotGrid g;
    PlotLayout L;
    assert_true(plot_grid_init(&g, 12, 7));
    assert_true(plot_chart_render(&c, &g, &L));
    assert_int_equal(L.nyt, 3);
    assert_true(L.y0 == 0 && L.y1 == 1);
    assert_int_equal(L.left, 4);
    assert_int_equal(L.pw, 7);
    assert_string_equal(row_text(&g, 0), "  1+      *");
    assert_memory_equal(row_text(&g, 1), "   |", 4);
    assert_memory_equal(row_text(&g, 2), "0.5+", 4);
    assert_memory_equal(row_text(&g, 3), "   |", 4);
    assert_string_equal(row_text(&g, 4), "  0+*");
    plot_grid_free(&g);

    double d[10];
    for (int i = 0; i < 10; i++)
        d[i] = i;
    s.y = d;
    s.n = 10;
    assert_true(plot_grid_init(&g, 13, 12));
    assert_true(plot_chart_render(&c, &g, &L));
    assert_true(L.y1 == 10 && L.nyt == 6);
    assert_memory_equal(row_text(&g, 0), "10+", 3);
    assert_memory_equal(row_text(&g, 9), " 0+*", 4);
    plot_grid_free(&g);

    /* a fixed top is kept: 0.9 is not a tick, row 0 has no label */
    c.ymax = 0.9;
    s.y = y;
    s.n = 2;
    assert_true(plot_grid_init(&g, 12, 7));
    assert_true(plot_chart_render(&c, &g, &L));
    assert_true(L.y1 == 0.9);
    assert_memory_equal(row_text(&g, 0), "   |", 4);
    plot_grid_free(&g);
}

/* Log scale: 1, 10, 100, 1000 are one decade apart, so they land on
 * equally spaced rows 3, 2, 1, 0 of a 4-row area; zero is skipped. */
static void test_log_scale(void **state)
{
    (void)state;
    double y[5] = { 1, 10, 100, 1000, 0 };
    PlotSeries s = { .y = y, .n = 5, .marker = 'o', .style = PLOT_POINTS };
    PlotChart c;
    plot_chart_init(&c);
    c.series = &s;
    c.nseries = 1;
    c.glyphs = PLOT_ASCII;
    c.logy = true;
    c.xmax = 3;
    PlotGrid g;
    assert_true(plot_grid_init(&g, 10, 6));
    PlotLayout L;
    assert_true(plot_chart_render(&c, &g, &L));
    assert_int_equal(L.left, 5);
    assert_int_equal(L.pw, 4);
    assert_string_equal(row_text(&g, 0), "1000+   o");
    assert_string_equal(row_text(&g, 1), " 100+  o");
    assert_string_equal(row_text(&g, 2), "  10+ o");
    assert_string_equal(row_text(&g, 3), "   1+o");
    plot_grid_free(&g);
}

/* Two series with labels: a legend row on top, samples in the series
 * colours; ASCII samples repeat the marker. */
static void test_legend_and_text(void **state)
{
    (void)state;
    double a[2] = { 0, 1 }, b[2] = { 1, 0 };
    PlotSeries s[2] = {
        { .y = a, .n = 2, .label = "loss", .colour = 6, .marker = '*' },
        { .y = b, .n = 2, .label = "val_loss", .colour = 3, .marker = '+' },
    };
    PlotChart c;
    plot_chart_init(&c);
    c.series = s;
    c.nseries = 2;
    c.glyphs = PLOT_ASCII;
    c.title = "T";
    PlotGrid g;
    assert_true(plot_grid_init(&g, 30, 10));
    PlotLayout L;
    assert_true(plot_chart_render(&c, &g, &L));
    assert_int_equal(L.top, 2);
    const char *leg = row_text(&g, 1);
    assert_non_null(strstr(leg, "** loss   ++ val_loss"));
    assert_int_equal(plot_cell(&g, L.left, 1)->fg, 6);
    assert_int_equal(plot_cell(&g, L.left + 10, 1)->fg, 3);
    StrBuf sb;
    sb_init(&sb);
    plot_grid_to_text(&g, false, &sb);
    assert_null(memchr(sb.data, 0x1b, sb.len));
    assert_null(memchr(sb.data, '\r', sb.len));
    sb_free(&sb);
    sb_init(&sb);
    plot_grid_to_text(&g, true, &sb);
    assert_non_null(strstr(sb.data, "\x1b[0;36m**"));
    sb_free(&sb);
    plot_grid_free(&g);
}

/* counts 1, 2, 4 in a 9-column area: bins of 3 columns, 2 drawn + a gap;
 * y axis 0..4 over 4 rows, so each count is that many full cells. */
static void test_histogram(void **state)
{
    (void)state;
    double counts[3] = { 1, 2, 4 };
    PlotGrid g;
    assert_true(plot_grid_init(&g, 12, 6));
    assert_true(plot_hist_render(counts, 3, 0, 3, PLOT_ASCII, PLOT_DEFAULT, &g));
    assert_string_equal(row_text(&g, 0), "4+      ##");
    assert_string_equal(row_text(&g, 1), " |      ##");
    assert_string_equal(row_text(&g, 2), "2+   ## ##");
    assert_string_equal(row_text(&g, 3), "0+## ## ##");
    plot_grid_free(&g);
    /* Unicode: y axis 0..1 over 4 rows, 0.5 is 16 eighths = 2 full blocks */
    assert_true(plot_grid_init(&g, 12, 6));
    double one[2] = { 1, 0.5 };
    assert_true(plot_hist_render(one, 2, 0, 2, PLOT_BRAILLE, PLOT_DEFAULT, &g));
    assert_int_equal(plot_cell(&g, 7, 3)->ch, 0x2588);
    assert_int_equal(plot_cell(&g, 7, 2)->ch, 0x2588);
    assert_int_equal(plot_cell(&g, 7, 1)->ch, ' ');
    plot_grid_free(&g);
}

/* A 2x2 checkerboard into 2x1 cells: upper pixel as the foreground, lower
 * as the background, greys 232 (black) .. 255 (white); ASCII: the mean 0.5
 * is ramp[round(4.5)] = '+'. */
static void test_image(void **state)
{
    (void)state;
    double pix[4] = { 0, 1, 1, 0 };
    PlotGrid g;
    assert_true(plot_grid_init(&g, 2, 1));
    plot_image_paint(&g, 0, 0, 2, 1, pix, 2, 2, 1, true, PLOT_BLOCK);
    assert_int_equal(plot_cell(&g, 0, 0)->ch, 0x2580);
    assert_int_equal(plot_cell(&g, 0, 0)->fg, 232);
    assert_int_equal(plot_cell(&g, 0, 0)->bg, 255);
    assert_int_equal(plot_cell(&g, 1, 0)->fg, 255);
    assert_int_equal(plot_cell(&g, 1, 0)->bg, 232);
    plot_image_paint(&g, 0, 0, 2, 1, pix, 2, 2, 1, false, PLOT_ASCII);
    assert_string_equal(row_text(&g, 0), "++");
    plot_grid_free(&g);
}

/* Regions: class per cell painted in the plot area, a point on top. */
static void test_regions(void **state)
{
    (void)state;
    PlotGrid g;
    assert_true(plot_grid_init(&g, 6, 4));
    PlotLayout L = { .left = 1, .top = 0, .pw = 4, .ph = 2, .sx = 1, .sy = 1,
                     .x0 = 0, .x1 = 3, .y0 = 0, .y1 = 1 };
    int cls[8] = { 0, 0, 1, 1, 0, 1, 1, 1 };
    plot_regions_paint(&g, &L, cls, false);
    plot_point_mark(&g, &L, 0, 0, 1, false);     /* bottom left: pixel (0, 1) */
    assert_string_equal(row_text(&g, 0), " ..--");      /* class 0 '.', class 1 '-' */
    assert_string_equal(row_text(&g, 1), " x---");
    plot_regions_paint(&g, &L, cls, true);
    assert_true(plot_cell(&g, 1, 0)->bg != plot_cell(&g, 3, 0)->bg);
    plot_grid_free(&g);
}

static void test_grid_text_utf8(void **state)
{
    (void)state;
    PlotGrid g;
    assert_true(plot_grid_init(&g, 4, 1));
    assert_int_equal(plot_grid_text(&g, 1, 0, "\xc3\xa9t\xc3\xa9s", 2, 0), 3);  /* clipped */
    assert_int_equal(plot_cell(&g, 1, 0)->ch, 0xe9);
    assert_string_equal(row_text(&g, 0), " \xc3\xa9t\xc3\xa9");
    plot_grid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nice_ticks),
        cmocka_unit_test(test_tick_labels),
        cmocka_unit_test(test_ascii_diagonal),
        cmocka_unit_test(test_braille_diagonal),
        cmocka_unit_test(test_top_label),
        cmocka_unit_test(test_log_scale),
        cmocka_unit_test(test_legend_and_text),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_grid_text_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
