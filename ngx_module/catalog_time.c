
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * RFC 3339 times, strictly: "2026-12-01T08:00:00+07:00", "T" or "t",
 * seconds required, an optional fraction (ignored, or its first three
 * digits kept as milliseconds), "Z", "z" or an offset "+hh:mm" /
 * "-hh:mm".  Years 1970 to 9999, real calendar dates, no leap seconds
 * (":60" is refused: a status change does not need one).  The date
 * arithmetic is the proleptic Gregorian "days from civil", so that
 * nothing depends on the C library's time zone handling.
 */


#include <stdio.h>

#include <catalog_admin.h>


#define CATALOG_TIME_MIN_LEN  20             /* "1970-01-01T00:00:00Z" */
#define CATALOG_TIME_MAX      253402300799LL /* 9999-12-31T23:59:59Z */
#define CATALOG_TIME_MS_LEN   24             /* "...T01:00:00.123Z" */


static int64_t catalog_time_read(const char *s, size_t len, int *ms);
static int catalog_time_digits(const char *p, size_t n);
static int catalog_time_mday(int year, int month);
static int64_t catalog_time_days(int64_t y, int m, int d);
static void catalog_time_civil(int64_t days, int *year, int *month,
    int *day);


int64_t
catalog_time_parse(const char *s, size_t len)
{
    int  ms;

    return catalog_time_read(s, len, &ms);
}


int64_t
catalog_time_parse_ms(const char *s, size_t len)
{
    int      ms;
    int64_t  t;

    t = catalog_time_read(s, len, &ms);

    if (t == -1) {
        return -1;
    }

    return t * 1000 + ms;
}


size_t
catalog_time_format(int64_t t, char *buf)
{
    int      year, month, day, sec;
    int64_t  days;

    /* what parse accepts; a time outside it is clamped to its ends */

    if (t < 0) {
        t = 0;
    }

    if (t > CATALOG_TIME_MAX) {
        t = CATALOG_TIME_MAX;
    }

    days = t / 86400;
    sec = (int) (t % 86400);

    catalog_time_civil(days, &year, &month, &day);

    return (size_t) snprintf(buf, CATALOG_TIME_LEN + 1,
                             "%04d-%02d-%02dT%02d:%02d:%02dZ",
                             year, month, day, sec / 3600, sec / 60 % 60,
                             sec % 60);
}


size_t
catalog_time_format_ms(int64_t ms, char *buf)
{
    int  frac;

    /* clamped as catalog_time_format() clamps, to the millisecond */

    if (ms < 0) {
        ms = 0;
    }

    if (ms > CATALOG_TIME_MAX * 1000 + 999) {
        ms = CATALOG_TIME_MAX * 1000 + 999;
    }

    frac = (int) (ms % 1000);

    /* "...:00Z" becomes "...:00.123Z" */

    (void) catalog_time_format(ms / 1000, buf);

    buf[19] = '.';
    buf[20] = (char) ('0' + frac / 100);
    buf[21] = (char) ('0' + frac / 10 % 10);
    buf[22] = (char) ('0' + frac % 10);
    buf[23] = 'Z';
    buf[24] = '\0';

    return CATALOG_TIME_MS_LEN;
}


static int64_t
catalog_time_read(const char *s, size_t len, int *ms)
{
    int      year, month, day, hour, min, sec, oh, om, sign, scale;
    size_t   i;
    int64_t  t;

    /* the unix time of s, its fraction's first three digits in *ms */

    *ms = 0;

    if (s == NULL || len < CATALOG_TIME_MIN_LEN) {
        return -1;
    }

    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't')
        || s[13] != ':' || s[16] != ':')
    {
        return -1;
    }

    year = catalog_time_digits(s, 4);
    month = catalog_time_digits(s + 5, 2);
    day = catalog_time_digits(s + 8, 2);
    hour = catalog_time_digits(s + 11, 2);
    min = catalog_time_digits(s + 14, 2);
    sec = catalog_time_digits(s + 17, 2);

    if (year < 1970 || month < 1 || month > 12 || day < 1
        || day > catalog_time_mday(year, month)
        || hour < 0 || hour > 23 || min < 0 || min > 59
        || sec < 0 || sec > 59)
    {
        return -1;
    }

    i = 19;

    /*
     * a fraction of a second: at least one digit; the first three are the
     * milliseconds (".5" is 500), the others are ignored
     */

    if (s[i] == '.') {
        i++;

        if (i == len || s[i] < '0' || s[i] > '9') {
            return -1;
        }

        scale = 100;

        while (i < len && s[i] >= '0' && s[i] <= '9') {
            *ms += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
    }

    if (i == len) {
        return -1;
    }

    if (s[i] == 'Z' || s[i] == 'z') {
        if (i + 1 != len) {
            return -1;
        }

        sign = 0;
        oh = 0;
        om = 0;

    } else if (s[i] == '+' || s[i] == '-') {
        if (len - i != 6 || s[i + 3] != ':') {
            return -1;
        }

        sign = (s[i] == '+') ? 1 : -1;
        oh = catalog_time_digits(s + i + 1, 2);
        om = catalog_time_digits(s + i + 4, 2);

        if (oh < 0 || oh > 23 || om < 0 || om > 59) {
            return -1;
        }

    } else {
        return -1;
    }

    t = catalog_time_days(year, month, day) * 86400
        + hour * 3600 + min * 60 + sec;

    /* local time minus the offset is UTC */

    t -= (int64_t) sign * (oh * 3600 + om * 60);

    if (t < 0 || t > CATALOG_TIME_MAX) {
        return -1;
    }

    return t;
}


static int
catalog_time_digits(const char *p, size_t n)
{
    int     v;
    size_t  i;

    v = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }

        v = v * 10 + (p[i] - '0');
    }

    return v;
}


static int
catalog_time_mday(int year, int month)
{
    static const int  mdays[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (month == 2
        && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
    {
        return 29;
    }

    return mdays[month - 1];
}


static int64_t
catalog_time_days(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    /*
     * days since 1970-01-01 of a proleptic Gregorian date; the year starts
     * in March, so that February's leap day comes last (H. Hinnant,
     * "chrono-Compatible Low-Level Date Algorithms"); y >= 1970 here
     */

    y -= (m <= 2);
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


static void
catalog_time_civil(int64_t days, int *year, int *month, int *day)
{
    int64_t  era, doe, yoe, doy, mp, y;

    /* the inverse of catalog_time_days(), for days >= 0 */

    days += 719468;
    era = days / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;

    *day = (int) (doy - (153 * mp + 2) / 5 + 1);
    *month = (int) (mp < 10 ? mp + 3 : mp - 9);
    *year = (int) (y + (*month <= 2));
}
