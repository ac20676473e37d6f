/**
 * Calendar deadlines in Beijing time (UTC+8, no daylight saving): "the end of the quarter", "28 February next year".
 * Durations cannot say these (months and years vary in length), so a process names the deadline and the kit works
 * out the instant. Pure arithmetic on epoch milliseconds: usable in workflows.
 */
const beijingOffsetMs = 8 * 3_600_000;

/** A deadline a process may declare for a step instead of (or as well as) a due period. */
export type CalendarDeadline =
  /** The last instant of the Beijing quarter the task opens in (31 March, 30 June, 30 September, 31 December, 24:00). */
  | { kind: 'QUARTER_END' }
  /** The end of a given day (month 1–12, day 1–31) of the year the task opens in plus `yearOffset`, Beijing time; clamped to the month's last day. */
  | { kind: 'DATE'; month: number; day: number; yearOffset: number }
  /** The end of a given month (1–12) of the year the task opens in plus `yearOffset` (e.g. the end of February next year). */
  | { kind: 'MONTH_END'; month: number; yearOffset: number };

function beijingParts(at: number): { year: number; month: number } {
  const d = new Date(at + beijingOffsetMs);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** Midnight at the start of the Beijing day year-month-day (month 1-based, overflow rolls on as Date.UTC does). */
function beijingMidnight(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - beijingOffsetMs;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant a calendar deadline falls on, for a task opened at `openedAt`. */
export function deadlineAt(deadline: CalendarDeadline, openedAt: number): number {
  const { year, month } = beijingParts(openedAt);
  switch (deadline.kind) {
    case 'QUARTER_END': {
      const lastMonth = Math.ceil(month / 3) * 3;
      return beijingMidnight(year, lastMonth + 1, 1);
    }
    case 'MONTH_END': {
      const y = year + deadline.yearOffset;
      return beijingMidnight(y, deadline.month + 1, 1);
    }
    case 'DATE': {
      const y = year + deadline.yearOffset;
      const day = Math.min(deadline.day, daysInMonth(y, deadline.month));
      return beijingMidnight(y, deadline.month, day + 1);
    }
  }
}

/** The Beijing quarter of an instant, as a plan's reports name it: "2027Q1". */
export function beijingQuarter(at: number): string {
  const { year, month } = beijingParts(at);
  return `${year}Q${Math.ceil(month / 3)}`;
}

/** Chinese wording of a deadline, for task views and emails. */
export function deadlineLabel(deadline: CalendarDeadline): string {
  switch (deadline.kind) {
    case 'QUARTER_END':
      return '本季度末';
    case 'MONTH_END':
      return `${deadline.yearOffset === 1 ? '次年' : deadline.yearOffset === 0 ? '当年' : `${deadline.yearOffset}年后`}${deadline.month}月底`;
    case 'DATE':
      return `${deadline.yearOffset === 1 ? '次年' : deadline.yearOffset === 0 ? '当年' : `${deadline.yearOffset}年后`}${deadline.month}月${deadline.day}日`;
  }
}
