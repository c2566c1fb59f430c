/* os-calendar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-calendar.h"
#include "os-lunar.h"

/* The working-day calendar of a unit and the due dates computed from it.
 *
 * What a date is, first rule that applies:
 *  1. a day the administrator declared (day off or working day);
 *  2. a public holiday of Labour Code 2019 art. 112, computed;
 *  3. a compensatory day (nghỉ bù) for a computed holiday that fell on a
 *     Saturday or Sunday;
 *  4. Saturday or Sunday;
 *  5. otherwise a working day.
 *
 * Computed holidays of a year (the same rules are applied to every year):
 *  - 1 January;
 *  - Tết: the last day of the lunar year and lunar 1/1 to 4/1 (the days
 *    are really fixed each year by the Prime Minister; administrators
 *    declare them);
 *  - Giỗ Tổ Hùng Vương, lunar 10/3 (of the ordinary 3rd month when the
 *    year also has a leap 3rd month);
 *  - 30 April and 1 May;
 *  - 2 September and one day next to it, fixed each year by the Prime
 *    Minister.  The default picks the neighbour that makes the longer
 *    break with the weekend: 1 September when 2 September is a Tuesday,
 *    Wednesday, Friday or Saturday, 3 September when it is a Sunday,
 *    Monday or Thursday.  This matches the choices of 2021–2025.
 *  When two holidays fall on the same date (lunar 10/3 can be 30 April) the
 *  date counts once.
 *
 * Compensatory days: the computed holidays of a year are taken in date
 * order; each one that falls on a Saturday or Sunday gets the first day
 * after it that is a Monday–Friday, not a computed holiday and not already
 * another holiday's compensatory day.  So a run of holidays over a weekend
 * is made up after the whole run, one day per holiday lost.  Computed days
 * ignore declarations: an administrator who moves a compensatory day
 * declares both dates, and nothing computed shifts behind their back.
 *
 * Due dates: see os_calendar_compute_due().
 *
 * The object may be shared between threads: its state is behind a mutex.
 */

#define DEFAULT_MORNING_START   (7 * 60 + 30)
#define DEFAULT_MORNING_END     (11 * 60 + 30)
#define DEFAULT_AFTERNOON_START (13 * 60 + 30)
#define DEFAULT_AFTERNOON_END   (17 * 60)

#define MINUTES_PER_DAY (24 * 60)

typedef struct
{
  OsCalendarEntryKind  kind;
  char                *label;
} Declaration;

typedef struct
{
  OsDayKind   kind;   /* OS_DAY_HOLIDAY or OS_DAY_COMPENSATORY */
  const char *name;   /* untranslated name of the holiday (made up) */
} ComputedDay;

typedef struct
{
  gboolean afternoon;
  guint32  julian;
} Session;

struct _OsCalendar
{
  GObject     parent_instance;

  GMutex      mutex;
  GTimeZone  *time_zone;

  int         morning_start;
  int         morning_end;
  int         afternoon_start;
  int         afternoon_end;

  /* GDate julian day → Declaration */
  GHashTable *declarations;
  /* year → (GDate julian day → ComputedDay), filled on demand; computed
   * days do not depend on declarations. */
  GHashTable *computed_years;
};

G_DEFINE_FINAL_TYPE (OsCalendar, os_calendar, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (OsCalendarDay, os_calendar_day, os_calendar_day_copy, os_calendar_day_free)

static const char *name_new_year = N_("Tết Dương lịch");
static const char *name_tet = N_("Tết Nguyên đán");
static const char *name_hung_kings = N_("Giỗ Tổ Hùng Vương");
static const char *name_victory_day = N_("Ngày Chiến thắng");
static const char *name_labour_day = N_("Ngày Quốc tế lao động");
static const char *name_national_day = N_("Quốc khánh");

OsCalendarDay *
os_calendar_day_copy (const OsCalendarDay *day)
{
  OsCalendarDay *copy;

  g_return_val_if_fail (day != NULL, NULL);

  copy = g_new0 (OsCalendarDay, 1);
  copy->date = day->date;
  copy->kind = day->kind;
  copy->label = g_strdup (day->label);
  copy->declared = day->declared;

  return copy;
}

void
os_calendar_day_free (OsCalendarDay *day)
{
  if (day == NULL)
    return;

  g_free (day->label);
  g_free (day);
}

static void
declaration_free (gpointer data)
{
  Declaration *declaration = data;

  g_free (declaration->label);
  g_free (declaration);
}

static inline gboolean
is_weekend (const GDate *date)
{
  GDateWeekday weekday = g_date_get_weekday (date);

  return weekday == G_DATE_SATURDAY || weekday == G_DATE_SUNDAY;
}

static inline void
date_set_julian (GDate   *date,
                 guint32  julian)
{
  g_date_clear (date, 1);
  g_date_set_julian (date, julian);
}

static guint32
julian_from_dmy (int day,
                 int month,
                 int year)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);

  return g_date_get_julian (&date);
}

static void
add_holiday (GHashTable *days,
             guint32     julian,
             const char *name)
{
  ComputedDay *day;

  if (g_hash_table_contains (days, GUINT_TO_POINTER (julian)))
    return;

  day = g_new0 (ComputedDay, 1);
  day->kind = OS_DAY_HOLIDAY;
  day->name = name;
  g_hash_table_insert (days, GUINT_TO_POINTER (julian), day);
}

static int
compare_julian (gconstpointer a,
                gconstpointer b)
{
  guint32 ja = GPOINTER_TO_UINT (*(gconstpointer *) a);
  guint32 jb = GPOINTER_TO_UINT (*(gconstpointer *) b);

  return (ja > jb) - (ja < jb);
}

/* Builds the table of computed holidays and compensatory days of @year. */
static GHashTable *
compute_year (int year)
{
  g_autoptr(GHashTable) days = NULL;
  g_autoptr(GPtrArray) holidays = NULL;
  GDate date;
  GHashTableIter iter;
  gpointer key;
  guint32 september_2;

  days = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  add_holiday (days, julian_from_dmy (1, 1, year), name_new_year);

  if (os_lunar_to_solar (year, 1, 1, FALSE, &date))
    {
      guint32 tet = g_date_get_julian (&date);

      for (guint32 j = tet - 1; j <= tet + 3; j++)
        add_holiday (days, j, name_tet);
    }

  if (os_lunar_to_solar (year, 3, 10, FALSE, &date))
    add_holiday (days, g_date_get_julian (&date), name_hung_kings);

  add_holiday (days, julian_from_dmy (30, 4, year), name_victory_day);
  add_holiday (days, julian_from_dmy (1, 5, year), name_labour_day);

  september_2 = julian_from_dmy (2, 9, year);
  add_holiday (days, september_2, name_national_day);
  date_set_julian (&date, september_2);
  switch (g_date_get_weekday (&date))
    {
    case G_DATE_TUESDAY:
    case G_DATE_WEDNESDAY:
    case G_DATE_FRIDAY:
    case G_DATE_SATURDAY:
      add_holiday (days, september_2 - 1, name_national_day);
      break;

    case G_DATE_MONDAY:
    case G_DATE_THURSDAY:
    case G_DATE_SUNDAY:
    case G_DATE_BAD_WEEKDAY:
    default:
      add_holiday (days, september_2 + 1, name_national_day);
      break;
    }

  /* Compensatory days, in date order of the holidays they make up. */
  holidays = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, days);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (holidays, key);
  g_ptr_array_sort (holidays, compare_julian);

  for (guint i = 0; i < holidays->len; i++)
    {
      guint32 holiday = GPOINTER_TO_UINT (g_ptr_array_index (holidays, i));
      ComputedDay *holiday_day = g_hash_table_lookup (days, GUINT_TO_POINTER (holiday));
      ComputedDay *compensatory;
      guint32 j;

      date_set_julian (&date, holiday);
      if (!is_weekend (&date))
        continue;

      for (j = holiday + 1; ; j++)
        {
          date_set_julian (&date, j);
          if (!is_weekend (&date) &&
              !g_hash_table_contains (days, GUINT_TO_POINTER (j)))
            break;
        }

      compensatory = g_new0 (ComputedDay, 1);
      compensatory->kind = OS_DAY_COMPENSATORY;
      compensatory->name = holiday_day->name;
      g_hash_table_insert (days, GUINT_TO_POINTER (j), compensatory);
    }

  return g_steal_pointer (&days);
}

static const ComputedDay *
lookup_computed (OsCalendar  *self,
                 const GDate *date)
{
  int year = g_date_get_year (date);
  GHashTable *days;

  days = g_hash_table_lookup (self->computed_years, GINT_TO_POINTER (year));
  if (days == NULL)
    {
      days = compute_year (year);
      g_hash_table_insert (self->computed_years, GINT_TO_POINTER (year), days);
    }

  return g_hash_table_lookup (days, GUINT_TO_POINTER (g_date_get_julian (date)));
}

/* The kind of @date; the mutex must be held. */
static OsDayKind
lookup_day (OsCalendar          *self,
            const GDate         *date,
            const Declaration  **out_declaration,
            const ComputedDay  **out_computed)
{
  const Declaration *declaration;
  const ComputedDay *computed;

  *out_declaration = NULL;
  *out_computed = NULL;

  declaration = g_hash_table_lookup (self->declarations,
                                     GUINT_TO_POINTER (g_date_get_julian (date)));
  if (declaration != NULL)
    {
      *out_declaration = declaration;
      return declaration->kind == OS_CALENDAR_ENTRY_DAY_OFF
             ? OS_DAY_DECLARED_OFF : OS_DAY_DECLARED_WORKING;
    }

  computed = lookup_computed (self, date);
  if (computed != NULL)
    {
      *out_computed = computed;
      return computed->kind;
    }

  if (is_weekend (date))
    return OS_DAY_WEEKEND;

  return OS_DAY_WORKING;
}

static inline gboolean
kind_is_working (OsDayKind kind)
{
  return kind == OS_DAY_WORKING || kind == OS_DAY_DECLARED_WORKING;
}

static gboolean
is_working_julian (OsCalendar *self,
                   guint32     julian)
{
  const Declaration *declaration;
  const ComputedDay *computed;
  GDate date;

  date_set_julian (&date, julian);

  return kind_is_working (lookup_day (self, &date, &declaration, &computed));
}

static guint32
next_working_julian (OsCalendar *self,
                     guint32     julian)
{
  do
    julian++;
  while (!is_working_julian (self, julian));

  return julian;
}

static char *
make_label (OsDayKind          kind,
            const GDate       *date,
            const Declaration *declaration,
            const ComputedDay *computed)
{
  switch (kind)
    {
    case OS_DAY_DECLARED_OFF:
      if (declaration->label != NULL && declaration->label[0] != '\0')
        return g_strdup (declaration->label);
      return g_strdup (_("Ngày nghỉ"));

    case OS_DAY_DECLARED_WORKING:
      if (declaration->label != NULL && declaration->label[0] != '\0')
        return g_strdup (declaration->label);
      return g_strdup (_("Ngày làm việc"));

    case OS_DAY_HOLIDAY:
      return g_strdup (_(computed->name));

    case OS_DAY_COMPENSATORY:
      /* Translators: a day off that makes up for a public holiday that
       * fell on a weekend; %s is the name of the holiday. */
      return g_strdup_printf (_("Nghỉ bù %s"), _(computed->name));

    case OS_DAY_WEEKEND:
      if (g_date_get_weekday (date) == G_DATE_SATURDAY)
        return g_strdup (_("Thứ Bảy"));
      return g_strdup (_("Chủ nhật"));

    case OS_DAY_WORKING:
    default:
      return NULL;
    }
}

static void
os_calendar_finalize (GObject *object)
{
  OsCalendar *self = (OsCalendar *)object;

  g_clear_pointer (&self->declarations, g_hash_table_unref);
  g_clear_pointer (&self->computed_years, g_hash_table_unref);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (os_calendar_parent_class)->finalize (object);
}

static void
os_calendar_class_init (OsCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_calendar_finalize;
}

static void
os_calendar_init (OsCalendar *self)
{
  g_mutex_init (&self->mutex);

  /* Asia/Ho_Chi_Minh has been a fixed UTC+7 since 1975; the offset is the
   * fallback when the system has no time zone database. */
  self->time_zone = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_offset (7 * 3600);

  self->morning_start = DEFAULT_MORNING_START;
  self->morning_end = DEFAULT_MORNING_END;
  self->afternoon_start = DEFAULT_AFTERNOON_START;
  self->afternoon_end = DEFAULT_AFTERNOON_END;

  self->declarations = g_hash_table_new_full (NULL, NULL, NULL, declaration_free);
  self->computed_years = g_hash_table_new_full (NULL, NULL, NULL,
                                                (GDestroyNotify) g_hash_table_unref);
}

/**
 * os_calendar_new:
 *
 * Creates a calendar with the default office hours, 07:30–11:30 and
 * 13:30–17:00, the computed public holidays and no declared days.
 *
 * Returns: (transfer full): a new #OsCalendar
 */
OsCalendar *
os_calendar_new (void)
{
  return g_object_new (OS_TYPE_CALENDAR, NULL);
}

/**
 * os_calendar_set_office_hours:
 * @self: a #OsCalendar
 * @morning_start: start of the morning session, in minutes after local midnight
 * @morning_end: end of the morning session
 * @afternoon_start: start of the afternoon session
 * @afternoon_end: end of the afternoon session
 *
 * Sets the unit's office hours.  The four times must be in order
 * (the lunch break may be empty) and within the day.
 */
void
os_calendar_set_office_hours (OsCalendar *self,
                              int         morning_start,
                              int         morning_end,
                              int         afternoon_start,
                              int         afternoon_end)
{
  g_return_if_fail (OS_IS_CALENDAR (self));
  g_return_if_fail (morning_start >= 0);
  g_return_if_fail (morning_start < morning_end);
  g_return_if_fail (morning_end <= afternoon_start);
  g_return_if_fail (afternoon_start < afternoon_end);
  g_return_if_fail (afternoon_end <= MINUTES_PER_DAY);

  g_mutex_lock (&self->mutex);
  self->morning_start = morning_start;
  self->morning_end = morning_end;
  self->afternoon_start = afternoon_start;
  self->afternoon_end = afternoon_end;
  g_mutex_unlock (&self->mutex);
}

/**
 * os_calendar_get_office_hours:
 * @self: a #OsCalendar
 * @morning_start: (out) (optional): start of the morning session, in minutes after local midnight
 * @morning_end: (out) (optional): end of the morning session
 * @afternoon_start: (out) (optional): start of the afternoon session
 * @afternoon_end: (out) (optional): end of the afternoon session
 */
void
os_calendar_get_office_hours (OsCalendar *self,
                              int        *morning_start,
                              int        *morning_end,
                              int        *afternoon_start,
                              int        *afternoon_end)
{
  g_return_if_fail (OS_IS_CALENDAR (self));

  g_mutex_lock (&self->mutex);
  if (morning_start != NULL)
    *morning_start = self->morning_start;
  if (morning_end != NULL)
    *morning_end = self->morning_end;
  if (afternoon_start != NULL)
    *afternoon_start = self->afternoon_start;
  if (afternoon_end != NULL)
    *afternoon_end = self->afternoon_end;
  g_mutex_unlock (&self->mutex);
}

/**
 * os_calendar_declare:
 * @self: a #OsCalendar
 * @date: a valid date
 * @kind: whether @date is a day off or a working day
 * @label: (nullable): what the administrator calls it, shown as is
 *
 * Declares what @date is, overriding weekends and computed holidays.
 * Declaring a date again replaces the earlier declaration.
 */
void
os_calendar_declare (OsCalendar          *self,
                     const GDate         *date,
                     OsCalendarEntryKind  kind,
                     const char          *label)
{
  Declaration *declaration;

  g_return_if_fail (OS_IS_CALENDAR (self));
  g_return_if_fail (date != NULL && g_date_valid (date));
  g_return_if_fail (kind == OS_CALENDAR_ENTRY_DAY_OFF ||
                    kind == OS_CALENDAR_ENTRY_WORKING_DAY);

  declaration = g_new0 (Declaration, 1);
  declaration->kind = kind;
  declaration->label = g_strdup (label);

  g_mutex_lock (&self->mutex);
  g_hash_table_replace (self->declarations,
                        GUINT_TO_POINTER (g_date_get_julian (date)),
                        declaration);
  g_mutex_unlock (&self->mutex);
}

/**
 * os_calendar_undeclare:
 * @self: a #OsCalendar
 * @date: a valid date
 *
 * Forgets what was declared for @date, if anything; the computed default
 * applies again.
 */
void
os_calendar_undeclare (OsCalendar  *self,
                       const GDate *date)
{
  g_return_if_fail (OS_IS_CALENDAR (self));
  g_return_if_fail (date != NULL && g_date_valid (date));

  g_mutex_lock (&self->mutex);
  g_hash_table_remove (self->declarations, GUINT_TO_POINTER (g_date_get_julian (date)));
  g_mutex_unlock (&self->mutex);
}

/**
 * os_calendar_get_day_kind:
 * @self: a #OsCalendar
 * @date: a valid date
 * @label: (out) (optional) (nullable) (transfer full): the translated name
 *   of the day (holiday name, admin's label, weekday of a weekend), or
 *   %NULL for an ordinary working day
 *
 * Returns: what @date is
 */
OsDayKind
os_calendar_get_day_kind (OsCalendar   *self,
                          const GDate  *date,
                          char        **label)
{
  const Declaration *declaration;
  const ComputedDay *computed;
  OsDayKind kind;

  if (label != NULL)
    *label = NULL;

  g_return_val_if_fail (OS_IS_CALENDAR (self), OS_DAY_WORKING);
  g_return_val_if_fail (date != NULL && g_date_valid (date), OS_DAY_WORKING);

  g_mutex_lock (&self->mutex);
  kind = lookup_day (self, date, &declaration, &computed);
  if (label != NULL)
    *label = make_label (kind, date, declaration, computed);
  g_mutex_unlock (&self->mutex);

  return kind;
}

/**
 * os_calendar_is_working_day:
 * @self: a #OsCalendar
 * @date: a valid date
 *
 * Returns: %TRUE if @date is a working day
 */
gboolean
os_calendar_is_working_day (OsCalendar  *self,
                            const GDate *date)
{
  return kind_is_working (os_calendar_get_day_kind (self, date, NULL));
}

/**
 * os_calendar_list_special_days:
 * @self: a #OsCalendar
 * @year: a year
 *
 * Lists, in date order, every day of @year that is not an ordinary
 * weekday or weekend: computed holidays and compensatory days still in
 * effect, and every declared day.
 *
 * Returns: (transfer full) (element-type OsCalendarDay): the days
 */
GPtrArray *
os_calendar_list_special_days (OsCalendar *self,
                               int         year)
{
  g_autoptr(GPtrArray) days = NULL;
  GDate date;

  g_return_val_if_fail (OS_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (year >= 1 && year <= 9998, NULL);

  days = g_ptr_array_new_with_free_func ((GDestroyNotify) os_calendar_day_free);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 1, 1, year);

  g_mutex_lock (&self->mutex);
  while (g_date_get_year (&date) == year)
    {
      const Declaration *declaration;
      const ComputedDay *computed;
      OsDayKind kind = lookup_day (self, &date, &declaration, &computed);

      if (kind != OS_DAY_WORKING && kind != OS_DAY_WEEKEND)
        {
          OsCalendarDay *day = g_new0 (OsCalendarDay, 1);

          day->date = date;
          day->kind = kind;
          day->label = make_label (kind, &date, declaration, computed);
          day->declared = declaration != NULL;
          g_ptr_array_add (days, day);
        }

      g_date_add_days (&date, 1);
    }
  g_mutex_unlock (&self->mutex);

  return g_steal_pointer (&days);
}

/* The UTC instant of @minutes after local midnight of the day @julian. */
static gint64
local_instant (OsCalendar *self,
               guint32     julian,
               int         minutes)
{
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) instant = NULL;
  GDate date;

  date_set_julian (&date, julian);
  midnight = g_date_time_new (self->time_zone,
                              g_date_get_year (&date),
                              g_date_get_month (&date),
                              g_date_get_day (&date),
                              0, 0, 0);
  instant = g_date_time_add_minutes (midnight, minutes);

  return g_date_time_to_unix (instant);
}

/**
 * os_calendar_compute_due:
 * @self: a #OsCalendar
 * @received_utc: when the record was received, UTC unix seconds
 * @limit: the procedure's resolution time
 *
 * Computes when a record is due.  All times are local (Asia/Ho_Chi_Minh).
 *
 * %OS_TIME_UNIT_SESSIONS: a working day has two sessions, and a due moment
 * is the end of a session.  The count starts with the session the record
 * was received in: on a working day, before the end of the morning session
 * that is the morning (also before office hours), before the end of the
 * afternoon session the afternoon (also during lunch).  A record received
 * after hours or on a day off, or at or after the procedure's cut-off time,
 * starts with the morning of the next working day.  The record is due at
 * the end of the session @limit->amount sessions after the start session:
 * 0 is the end of the start session, 2 (one working day) received on
 * Monday at 09:00 is Tuesday 11:30.
 *
 * %OS_TIME_UNIT_SAME_DAY ("ngay trong ngày"): the start session is found the
 * same way; the record is due at the end of that working day's afternoon.
 *
 * %OS_TIME_UNIT_CALENDAR_DAYS: the count starts on the day of reception,
 * or on the next working day when received at or after the cut-off time.
 * The due date is that day plus @limit->amount days, moved forward to the
 * next working day if needed; the record is due at the end of its
 * afternoon session (and never before it was received: a due moment
 * that would be earlier moves to the next working day).
 *
 * A negative amount is a programming error: it is reported as a critical
 * and counted as 0.
 *
 * Returns: the due moment, UTC unix seconds
 */
gint64
os_calendar_compute_due (OsCalendar        *self,
                         gint64             received_utc,
                         const OsTimeLimit *limit)
{
  g_autoptr(GDateTime) received_utc_time = NULL;
  g_autoptr(GDateTime) received = NULL;
  gboolean after_cutoff;
  guint32 julian;
  int amount;
  int seconds;
  gint64 due;

  g_return_val_if_fail (OS_IS_CALENDAR (self), 0);
  g_return_val_if_fail (limit != NULL, 0);
  g_return_val_if_fail (limit->unit == OS_TIME_UNIT_SESSIONS ||
                        limit->unit == OS_TIME_UNIT_CALENDAR_DAYS ||
                        limit->unit == OS_TIME_UNIT_SAME_DAY, 0);

  received_utc_time = g_date_time_new_from_unix_utc (received_utc);
  g_return_val_if_fail (received_utc_time != NULL, 0);
  received = g_date_time_to_timezone (received_utc_time, self->time_zone);

  amount = limit->amount;
  if (amount < 0)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "limit->amount >= 0");
      amount = 0;
    }

  julian = julian_from_dmy (g_date_time_get_day_of_month (received),
                            g_date_time_get_month (received),
                            g_date_time_get_year (received));
  seconds = g_date_time_get_hour (received) * 3600
            + g_date_time_get_minute (received) * 60
            + g_date_time_get_second (received);
  after_cutoff = limit->cutoff_minutes >= 0 && seconds >= limit->cutoff_minutes * 60;

  g_mutex_lock (&self->mutex);

  if (limit->unit == OS_TIME_UNIT_SESSIONS || limit->unit == OS_TIME_UNIT_SAME_DAY)
    {
      Session session;

      if (is_working_julian (self, julian) && !after_cutoff &&
          seconds < self->morning_end * 60)
        {
          session.julian = julian;
          session.afternoon = FALSE;
        }
      else if (is_working_julian (self, julian) && !after_cutoff &&
               seconds < self->afternoon_end * 60)
        {
          session.julian = julian;
          session.afternoon = TRUE;
        }
      else
        {
          session.julian = next_working_julian (self, julian);
          session.afternoon = FALSE;
        }

      if (limit->unit == OS_TIME_UNIT_SAME_DAY)
        amount = session.afternoon ? 0 : 1;

      for (int i = 0; i < amount; i++)
        {
          if (!session.afternoon)
            {
              session.afternoon = TRUE;
            }
          else
            {
              session.julian = next_working_julian (self, session.julian);
              session.afternoon = FALSE;
            }
        }

      due = local_instant (self, session.julian,
                           session.afternoon ? self->afternoon_end : self->morning_end);
    }
  else
    {
      guint32 due_julian;

      if (after_cutoff)
        julian = next_working_julian (self, julian);

      due_julian = julian + (guint32) amount;
      if (!is_working_julian (self, due_julian))
        due_julian = next_working_julian (self, due_julian);

      due = local_instant (self, due_julian, self->afternoon_end);
      while (due < received_utc)
        {
          due_julian = next_working_julian (self, due_julian);
          due = local_instant (self, due_julian, self->afternoon_end);
        }
    }

  g_mutex_unlock (&self->mutex);

  return due;
}

/* The local day of @instant, as a julian day number; the mutex need not be held. */
static guint32
local_julian (OsCalendar *self,
              gint64      instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return 0;
  local = g_date_time_to_timezone (utc, self->time_zone);

  return julian_from_dmy (g_date_time_get_day_of_month (local),
                          g_date_time_get_month (local),
                          g_date_time_get_year (local));
}

/* The two office-hour intervals of the day @julian, as UTC instants; the mutex must be held. */
static void
office_intervals (OsCalendar *self,
                  guint32     julian,
                  gint64      intervals[4])
{
  intervals[0] = local_instant (self, julian, self->morning_start);
  intervals[1] = local_instant (self, julian, self->morning_end);
  intervals[2] = local_instant (self, julian, self->afternoon_start);
  intervals[3] = local_instant (self, julian, self->afternoon_end);
}

/**
 * os_calendar_working_seconds:
 * @self: a #OsCalendar
 * @from: an instant, UTC unix seconds
 * @to: a later instant
 *
 * Counts the working time between two instants: the seconds that fall in office hours
 * (both sessions) of working days.  Used to move a due date by the time a record was
 * paused.
 *
 * Returns: the seconds of office time in [@from, @to]; 0 when @to is not after @from
 */
gint64
os_calendar_working_seconds (OsCalendar *self,
                             gint64      from,
                             gint64      to)
{
  guint32 first, last;
  gint64 total = 0;

  g_return_val_if_fail (OS_IS_CALENDAR (self), 0);

  if (to <= from)
    return 0;

  first = local_julian (self, from);
  last = local_julian (self, to);
  g_return_val_if_fail (first != 0 && last != 0, 0);

  g_mutex_lock (&self->mutex);
  for (guint32 julian = first; julian <= last; julian++)
    {
      gint64 intervals[4];

      if (!is_working_julian (self, julian))
        continue;
      office_intervals (self, julian, intervals);
      for (int i = 0; i < 4; i += 2)
        {
          gint64 start = MAX (from, intervals[i]);
          gint64 end = MIN (to, intervals[i + 1]);

          if (end > start)
            total += end - start;
        }
    }
  g_mutex_unlock (&self->mutex);

  return total;
}

/**
 * os_calendar_add_working_seconds:
 * @self: a #OsCalendar
 * @from: an instant, UTC unix seconds
 * @seconds: working time to add, ≥ 0
 *
 * Finds the instant at which @seconds of office time on working days have passed after
 * @from.  When the time runs out exactly at the end of a session, that end is the answer
 * (not the start of the next session).  0 seconds returns @from unchanged.
 *
 * Returns: the instant, UTC unix seconds
 */
gint64
os_calendar_add_working_seconds (OsCalendar *self,
                                 gint64      from,
                                 gint64      seconds)
{
  guint32 julian;
  gint64 remaining = seconds;
  gint64 result = from;

  g_return_val_if_fail (OS_IS_CALENDAR (self), from);
  g_return_val_if_fail (seconds >= 0, from);

  if (seconds == 0)
    return from;

  julian = local_julian (self, from);
  g_return_val_if_fail (julian != 0, from);

  g_mutex_lock (&self->mutex);
  for (;; julian++)
    {
      gint64 intervals[4];
      gboolean done = FALSE;

      if (!is_working_julian (self, julian))
        continue;
      office_intervals (self, julian, intervals);
      for (int i = 0; i < 4 && !done; i += 2)
        {
          gint64 start = MAX (from, intervals[i]);
          gint64 end = intervals[i + 1];

          if (end <= start)
            continue;
          if (remaining <= end - start)
            {
              result = start + remaining;
              done = TRUE;
            }
          else
            remaining -= end - start;
        }
      if (done)
        break;
    }
  g_mutex_unlock (&self->mutex);

  return result;
}
