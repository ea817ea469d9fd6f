/**
 * The month's missing reports grouped by why they are missing, so 40 reports with the same
 * reason read as one line with a count (expandable to the rows). Pure.
 */
export interface MissingLike {
  person: string;
  assistant: string;
  reason_code: string;
  reason: string;
}

export interface MissingGroup<T extends MissingLike> {
  code: string;
  /** The back end's Swedish words for the reason (for a code the UI does not know). */
  reason: string;
  items: T[];
}

/** Groups by `reason_code`, largest group first, then in the order the reasons first appear. */
export function groupMissing<T extends MissingLike>(missing: readonly T[]): MissingGroup<T>[] {
  const groups = new Map<string, MissingGroup<T>>();
  for (const m of missing) {
    const g = groups.get(m.reason_code);
    if (g) g.items.push(m);
    else groups.set(m.reason_code, { code: m.reason_code, reason: m.reason, items: [m] });
  }
  return [...groups.values()].sort((a, b) => b.items.length - a.items.length);
}
