/**
 * FK's deadline and which month is due next. A month's reports must reach FK by the 5th of the
 * second month after it (October → 5 December). "Today" is always passed in.
 */
import type { IsoDate, Month } from './backend/types';
import { addMonths, daysBetween, monthOf, splitDate } from './dates';

export function deadlineFor(month: Month): IsoDate {
  return `${addMonths(month, 2)}-05`;
}

/** Days left until the deadline: 0 on the day itself, negative once it has passed. */
export function daysUntilDeadline(month: Month, today: IsoDate): number {
  return daysBetween(today, deadlineFor(month));
}

/**
 * The month whose deadline comes next: up to the 5th that is the month before last (its
 * deadline is today or later), after the 5th it is last month. The current month is never due:
 * it has not ended yet.
 */
export function monthDueNext(today: IsoDate): Month {
  const { day } = splitDate(today);
  return addMonths(monthOf(today), day <= 5 ? -2 : -1);
}

export type DeadlineUrgency = 'calm' | 'soon' | 'urgent' | 'passed';

/** How loudly the overview should show the countdown. */
export function deadlineUrgency(daysLeft: number): DeadlineUrgency {
  if (daysLeft < 0) return 'passed';
  if (daysLeft <= 3) return 'urgent';
  if (daysLeft <= 10) return 'soon';
  return 'calm';
}
