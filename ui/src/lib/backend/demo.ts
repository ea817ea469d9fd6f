/**
 * DemoBackend: the BROWSER-ONLY stand-in for the Rust back end, for UI development (`npm run dev`)
 * and UI tests. Everything lives in memory and is lost on reload; nothing is sent anywhere.
 *
 * It is deliberately small and honest:
 *  - its month is fixed sample data for October 2026 (incl. a night shift across the autumn DST
 *    change, Sat 24 → Sun 25 October, with its "+1 h, vintertid" note);
 *  - minutes use the UI's `dst.ts` offsets, and its checks (overlap, long shift) are a tiny sample
 *    of the Rust review, NOT a re-implementation: the Rust core is the authority;
 *  - the QR "frames" are a decorative pattern that changes every second, not a BankID QR code;
 *  - signing and sending follow BankID's and FK's message flow with canned answers.
 * The real implementation calls Tauri's `invoke` for each method (see backend.ts).
 */
import type { Backend, Unsubscribe } from './backend';
import type {
  Assistant,
  CertificatePurpose,
  AssistantToRemind,
  ChosenFile,
  ImportFile,
  MissingReport,
  RawFkAnswer,
  Reminders,
  WrittenFile,
  SupportContact,
  Environment,
  Grant,
  GrantUsage,
  HistoryEntry,
  Id12,
  ImportPreview,
  ImportProblem,
  ImportResult,
  ImportRow,
  IpcError,
  Issue,
  Language,
  Month,
  MonthGridData,
  MonthOverview,
  PersonDetails,
  PersonWithAssistance,
  Provider,
  RegisterData,
  ReportReview,
  ReportRow,
  ReportSummary,
  Settings,
  ShiftInput,
  ShiftRecord,
  CallInitiator,
  SignerRole,
  SignOrder,
  SignStatus,
  SimulatedBankIdAction,
  SubmissionItem,
  SubmissionQueue,
  RelaySettings,
  FileCheck,
  ResolveDecision,
  SubmissionDetail,
  TimeKind,
} from './types';
import { TIME_KINDS } from './types';
import { demoDetail, demoFileCheck, itemFromHistory } from './demoWayOut';
import { normalizeTxId, txIdProblem } from '../wayOut';
import { translate } from '../i18n';
import { addDays, addMonths, daysInMonth, isoDate, weekdayMonFirst } from '../dates';
import { offsetMinutes } from '../dst';
import { clockText, parseLocalDateTime, type LocalDateTime } from '../entry';
import { formatDuration, formatMonth } from '../format';

/** `40`, `37,5`, `37.5`, `37:30` → minutes; null when unreadable. */
function hoursToMinutes(text: string): number | null {
  const t = text.trim();
  const colon = /^(\d+):([0-5]\d)$/.exec(t);
  if (colon) return Number(colon[1]) * 60 + Number(colon[2]);
  if (!/^\d+([.,]\d+)?$/.test(t)) return null;
  return Math.round(Number(t.replace(',', '.')) * 60);
}

// The form field a refusal concerns is not part of the IPC error (Rust never sends one): the
// message names it, as Rust's does. (`_field` stays for the callers until this fake goes.)
const fail = (code: string, message: string, _field?: string): IpcError => ({ code, message, message_code: '', params: {} });
/** A refusal with the parameters Rust sends with it (e.g. the field's label and its code). */
const failWith = (code: string, message: string, params: Record<string, string>): IpcError => ({ code, message, message_code: '', params });

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(d / 10) + (d % 10);
  }
  return sum;
}

/** Luhn check over the last 10 digits (personnummer / organisationsnummer). */
export function luhnOk(digits: string): boolean {
  const ten = digits.slice(-10);
  return /^\d{10}$/.test(ten) && luhnSum(ten) % 10 === 0;
}

/** BankID's recommended texts (BANKID.md); the real back end takes them from crates/bankid. */
const RFA: Record<string, { sv: string; en: string }> = {
  RFA1: { sv: 'Starta BankID-appen.', en: 'Start your BankID app.' },
  RFA3: { sv: 'Åtgärden avbruten. Försök igen.', en: 'Action cancelled. Please try again.' },
  RFA6: { sv: 'Åtgärden avbruten.', en: 'Action cancelled.' },
  RFA8: {
    sv: 'BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.',
    en: "The BankID app is not responding. Please check that it's started and that you have internet access. If you don't have a valid BankID you can get one from your bank. Try again.",
  },
  RFA9: {
    sv: 'Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.',
    en: 'Enter your security code in the BankID app and select Identify or Sign.',
  },
  RFA13: { sv: 'Försöker starta BankID-appen.', en: 'Trying to start your BankID app.' },
  'ASSISTID-PHONE-DECLINED': {
    sv: 'Åtgärden avbruten. Du angav i BankID-appen att du inte är i ett samtal med oss.',
    en: 'Action cancelled. You stated in the BankID app that you are not in a call with us.',
  },
  'ASSISTID-PHONE-CONFIRM': {
    sv: 'Bekräfta i BankID-appen att du är i ett samtal med oss.',
    en: 'Confirm in the BankID app that you are in a call with us.',
  },
};

interface DemoOrder {
  ref: string;
  role: SignerRole;
  reportIds: string[];
  signer: string;
  startedAt: number;
  /** A phone order (no QR code). */
  phone: boolean;
  status: SignStatus;
  listeners: Set<(s: SignStatus) => void>;
}

interface Signatures {
  assistant: string | null;
  provider: string | null;
  submission: SubmissionItem | null;
  version: number;
}

const P_ELSA = '194005122389';
const P_OMAR = '198509234178';
const A_ANNA = '199203041281';
const A_JOHAN = '198807153567';
const A_MARIA = '199501017421';
const A_SARA = '200106202633';
const A_KARIN = '197802115548';
const A_ALI = '199011303816';
const A_LINA = '199708182903';

const DEMO_MONTH = '2026-10';

function person(personnummer: string, first_name: string, last_name: string): PersonWithAssistance {
  return { personnummer, first_name, last_name };
}

function assistant(id: string, first_name: string, last_name: string, phone: string | null): Assistant {
  return {
    id,
    first_name,
    last_name,
    phone,
    collective_agreement: true,
    employment: { type: 'provider' },
    calculation_period: { start: '2026-09-01', length: { unit: 'months', count: 4 } },
  };
}

/** Fixed sample shifts for October 2026: [person, assistant, startDay, from, to, kind]. */
function sampleShifts(): [Id12, Id12, number, string, string, TimeKind][] {
  const out: [Id12, Id12, number, string, string, TimeKind][] = [];
  for (let day = 1; day <= 31; day++) {
    const wd = weekdayMonFirst(isoDate(2026, 10, day));
    if (wd < 5) {
      out.push([P_ELSA, A_ANNA, day, '08:00', '16:00', 'aktiv']);
      out.push([P_ELSA, A_JOHAN, day, '16:00', '22:00', 'aktiv']);
      out.push([P_OMAR, A_KARIN, day, '07:00', '15:00', 'aktiv']);
      out.push([P_OMAR, A_ALI, day, '15:00', '23:00', 'aktiv']);
    } else {
      out.push([P_ELSA, A_SARA, day, '08:00', day === 17 ? '22:00' : '20:00', 'aktiv']);
      out.push([P_OMAR, A_LINA, day, '09:00', '21:00', 'aktiv']);
    }
    // Nights Friday and Saturday: on call (beredskap). Sat 24 Oct runs across the autumn change.
    if (wd === 4 || wd === 5) out.push([P_ELSA, A_MARIA, day, '22:00', '07:00', 'beredskap']);
  }
  // A typing mistake the review catches: two overlapping shifts for Johan on Wednesday 14 Oct.
  out.push([P_ELSA, A_JOHAN, 14, '20:00', '23:00', 'vante']);
  return out.filter(([, , day]) => day <= 31);
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${(++counter).toString(36).padStart(4, '0')}`;

/** A UUID-shaped demo id (lowercase hex), deterministic per call order. */
function demoUuid(): string {
  const x = demoHex(`report-${++counter}`, 32);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-8${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

/** Clock and real minutes between two wall-clock readings with known UTC offsets. */
function minutesBetween(a: LocalDateTime, oa: number, b: LocalDateTime, ob: number): { clock: number; real: number } {
  const days = Math.round((Date.parse(`${b.date}T00:00:00Z`) - Date.parse(`${a.date}T00:00:00Z`)) / 86_400_000);
  const clock = days * 1440 + b.minutes - a.minutes;
  return { clock, real: clock - ob + oa };
}

export class DemoBackend implements Backend {
  private provider: Provider | null = {
    name: 'Trygga Händer Assistans AB',
    org_number: '5566123450',
    contact_person: 'Eva Sundberg',
    phone: '08-123 456 78',
  };
  private persons: PersonWithAssistance[] = [
    person(P_ELSA, 'Elsa', 'Lindqvist'),
    person(P_OMAR, 'Omar', 'Haddad'),
  ];
  private assistants: Assistant[] = [
    assistant(A_ANNA, 'Anna', 'Berg', '070-123 45 67'),
    assistant(A_JOHAN, 'Johan', 'Ek', '073-222 33 44'),
    assistant(A_MARIA, 'Maria', 'Nilsson', null),
    assistant(A_SARA, 'Sara', 'Holm', '076-555 66 77'),
    assistant(A_KARIN, 'Karin', 'Sjöberg', '070-987 65 43'),
    assistant(A_ALI, 'Ali', 'Yusuf', '072-111 22 33'),
    assistant(A_LINA, 'Lina', 'Ström', null),
  ];
  private shifts = new Map<string, ShiftRecord>();
  /** Each person's team; built from the shifts on first use, then kept (add/remove). */
  private teams = new Map<Id12, Set<Id12>>();
  /** Each person's decisions from FK. */
  private grants = new Map<Id12, Grant[]>();
  private grantCounter = 0;
  /** Keyed `month|person|assistant`. */
  private signatures = new Map<string, Signatures>();
  private reportIds = new Map<string, string>();
  private orders = new Map<string, DemoOrder>();
  private queue: SubmissionItem[] = [];
  private historyEntries: HistoryEntry[] = [];
  private submissionListeners = new Set<(i: SubmissionItem) => void>();
  private pacer: ReturnType<typeof setInterval> | null = null;
  private settingsData: Settings = {
    environment: 'demo',
    language: 'sv',
    // The browser stand-in has only the demo (no folder on disk, no real data).
    data_kind: 'demo',
    workspace: 'demo',
    certificates: [
      {
        purpose: 'fk_client',
        subject: 'Trygga Händer Assistans AB (demo)',
        issuer: 'Assistid demo-CA',
        not_after: '2027-03-31T23:59:59Z',
        password_in_keychain: true,
      },
    ],
  };
  private importFiles = new Map<string, { name: string; columns: string[]; rows: ImportRow[] }>();
  /** Settings → "Skicka via leverantören" (a stand-in: no relay is called). */
  private relay: RelaySettings = { mode: 'direct', available: true, pinned_ca: false };

  /**
   * `assistants`: pad Elsa's month up to this many assistants with three sample shifts a day
   * each (for the grid's performance check: 40 assistants × 31 days).
   */
  constructor(options: { assistants?: number } = {}) {
    const shifts = sampleShifts();
    // Elsa's team (the grid's columns) is who works for her: pad it up to the number asked for.
    const elsasOwn = new Set(shifts.filter(([p]) => p === P_ELSA).map(([, a]) => a)).size;
    const padded = this.assistants.length + Math.max(0, (options.assistants ?? 0) - elsasOwn);
    for (let i = this.assistants.length; i < padded; i++) {
      const id = `19${String(60 + (i % 40)).padStart(2, '0')}0101${String(1000 + i).slice(-4)}`;
      const fixed = id.slice(0, 11) + String((10 - (luhnSum(id.slice(2, 11)) % 10)) % 10);
      this.assistants.push(assistant(fixed, 'Extra', `Assistent ${i + 1}`, null));
      for (let day = 1; day <= 31; day++)
        for (const [from, to] of [['06:00', '10:00'], ['11:00', '15:00'], ['16:00', '20:00']] as const)
          shifts.push([P_ELSA, fixed, day, from, to, 'aktiv']);
    }
    for (const [p, a, day, from, to, kind] of shifts) {
      const start = isoDate(2026, 10, day);
      const end = to <= from ? addDays(start, 1) : start;
      const rec = this.makeRecord(nextId('s'), {
        person: p,
        assistant: a,
        start: `${start}T${from}`,
        start_occurrence: null,
        end: `${end}T${to}`,
        end_occurrence: null,
        kind,
        note: null,
      });
      if ('id' in rec) this.shifts.set(rec.id, rec);
    }
    const stamp = '2026-11-20T09:12:00Z';
    // Sample progress so the overview shows every step.
    this.sig(DEMO_MONTH, P_ELSA, A_ANNA).assistant = stamp;
    const ali = this.sig(DEMO_MONTH, P_OMAR, A_ALI);
    ali.assistant = stamp;
    ali.provider = '2026-11-21T10:00:00Z';
    for (const [a, state] of [
      [A_KARIN, 'accepted'],
      [A_LINA, 'uncertain'],
    ] as const) {
      const s = this.sig(DEMO_MONTH, P_OMAR, a);
      s.assistant = stamp;
      s.provider = '2026-11-21T10:00:00Z';
      const item = this.newSubmission(DEMO_MONTH, P_OMAR, a);
      item.state = state;
      item.attempts = 1;
      if (state === 'accepted') item.tx_id = '6f1c2e7a-3b9d-4c1e-9a55-0c2d7e8f9a10';
      else item.explanation = UNCERTAIN_EXPLANATION;
      s.submission = item;
      this.recordHistory(item, '2026-11-21T10:05:00Z');
    }
    // September: one rejection that was fixed and sent again.
    this.historyEntries.push(
      {
        submission_id: 'sub-sep-1',
        report_id: '0a4e9b2c-5d1f-4e8a-b7c3-2f6d8e9a1b01',
        version: 1,
        month: '2026-09',
        person_name: 'Elsa Lindqvist',
        assistant_name: 'Johan Ek',
        queued_at: '2026-10-02T08:30:00Z',
        sent_at: '2026-10-02T08:30:00Z',
        state: 'rejected',
        tx_id: null,
        fk_message: 'SignatureValidationError: Signaturen för assistent kunde inte valideras.',
        signed_by: ['Assistent: Johan Ek (2026-10-01)', 'Anordnare: Karin Lindqvist (2026-10-01)'],
        attempts: 1,
        document_sha256: '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea',
      },
      {
        submission_id: 'sub-sep-2',
        report_id: '0a4e9b2c-5d1f-4e8a-b7c3-2f6d8e9a1b02',
        version: 2,
        month: '2026-09',
        person_name: 'Elsa Lindqvist',
        assistant_name: 'Johan Ek',
        queued_at: '2026-10-02T09:02:00Z',
        sent_at: '2026-10-02T09:02:00Z',
        state: 'accepted',
        fk_message: null,
        signed_by: ['Assistent: Johan Ek (2026-10-02)', 'Anordnare: Karin Lindqvist (2026-10-02)'],
        attempts: 1,
        tx_id: 'b2d4f6a8-1c3e-4a5b-8c7d-9e0f1a2b3c4d',
        document_sha256: 'a1d0c6e83f027327d8461063f4ac58a6a1d0c6e83f027327d8461063f4ac58a6',
      },
    );
  }

  // ------------------------------------------------------------------ helpers

  private lang(): Language {
    return this.settingsData.language;
  }

  private sig(month: Month, p: Id12, a: Id12): Signatures {
    const k = `${month}|${p}|${a}`;
    let s = this.signatures.get(k);
    if (!s) {
      s = { assistant: null, provider: null, submission: null, version: 1 };
      this.signatures.set(k, s);
    }
    return s;
  }

  private reportId(month: Month, p: Id12, a: Id12): string {
    const k = `${month}|${p}|${a}|${this.sig(month, p, a).version}`;
    let id = this.reportIds.get(k);
    if (!id) {
      id = demoUuid();
      this.reportIds.set(k, id);
    }
    return id;
  }

  private findReport(reportId: string): { month: Month; person: Id12; assistant: Id12 } | null {
    for (const [k, id] of this.reportIds) {
      if (id !== reportId) continue;
      const [month = '', p = '', a = '', v = ''] = k.split('|');
      if (Number(v) !== this.sig(month, p, a).version) return null; // an older version
      return { month, person: p, assistant: a };
    }
    return null;
  }

  private nameOfPerson(p: Id12): string {
    const x = this.persons.find((q) => q.personnummer === p);
    return x ? `${x.first_name} ${x.last_name}` : p;
  }

  private nameOfAssistant(a: Id12): string {
    const x = this.assistants.find((q) => q.id === a);
    return x ? `${x.first_name} ${x.last_name}` : a;
  }

  /** Validates and computes a shift record; returns an IpcError instead of throwing. */
  private makeRecord(id: string, input: ShiftInput): ShiftRecord | IpcError {
    const start = parseLocalDateTime(input.start);
    const end = parseLocalDateTime(input.end);
    const os = offsetMinutes(start.date, start.minutes, input.start_occurrence);
    const oe = offsetMinutes(end.date, end.minutes, input.end_occurrence);
    for (const [t, o] of [
      [start, os],
      [end, oe],
    ] as const) {
      if (o !== null) continue;
      const skipped = offsetMinutes(t.date, t.minutes, 'first') === null;
      return skipped
        ? fail('nonexistent_time', `Klockslaget ${clockText(t.minutes)} den ${t.date} finns inte: natten till sommartid hoppar klockan från 02:00 till 03:00.`)
        : fail('ambiguous_time', `Klockslaget ${clockText(t.minutes)} den ${t.date} inträffar två gånger natten till vintertid: ange om det är första (sommartid) eller andra gången (vintertid).`);
    }
    const dayDiff = Math.round(
      (Date.parse(`${end.date}T00:00:00Z`) - Date.parse(`${start.date}T00:00:00Z`)) / 86_400_000,
    );
    const clock = dayDiff * 1440 + end.minutes - start.minutes;
    const real = clock - (oe ?? 0) + (os ?? 0);
    if (real <= 0) return fail('end_not_after_start', `Passet ${input.start.replace('T', ' ')}–${input.end.slice(11)} slutar inte efter att det börjar.`);
    if (real > 24 * 60) return fail('shift_too_long', 'Ett pass kan inte vara längre än ett dygn. Dela upp det i flera pass.');
    const diff = real - clock;
    return {
      id,
      person: input.person,
      assistant: input.assistant,
      start: { local: `${input.start}:00`, offset_minutes: os ?? 60 },
      end: { local: `${input.end}:00`, offset_minutes: oe ?? 60 },
      kind: input.kind,
      note: input.note,
      clock_minutes: clock,
      real_minutes: real,
      dst_note: diff > 0 ? '+1 h, vintertid' : diff < 0 ? '−1 h, sommartid' : null,
    };
  }

  private shiftsOf(month: Month, p: Id12, a?: Id12): ShiftRecord[] {
    const out: ShiftRecord[] = [];
    for (const s of this.shifts.values()) {
      if (s.person === p && s.start.local.startsWith(month) && (a === undefined || s.assistant === a)) out.push(s);
    }
    return out.sort((x, y) => (x.start.local < y.start.local ? -1 : 1));
  }

  /** The sample checks: overlapping shifts of one assistant, and shifts over 12 hours. */
  private review(month: Month, p: Id12, a: Id12, known?: ShiftRecord[]): ReportReview {
    const shifts = known ?? this.shiftsOf(month, p, a);
    const rows: ReportRow[] = [];
    const zero = () => ({ clock_minutes: 0, real_minutes: 0 });
    const totals: ReportReview['totals'] = { aktiv: zero(), vante: zero(), beredskap: zero() };
    const errors: Issue[] = [];
    const warnings: Issue[] = [];
    const hm = (m: number) => clockText(m).replace(':', '.');
    shifts.forEach((s, i) => {
      const st = parseLocalDateTime(s.start.local);
      const en = parseLocalDateTime(s.end.local);
      // Split at midnight into FK rows; the DST difference lands on the row that spans 02–03.
      const segments: [LocalDateTime, LocalDateTime][] =
        st.date === en.date || (en.minutes === 0 && addDays(st.date, 1) === en.date)
          ? [[st, en]]
          : [
              [st, { date: addDays(st.date, 1), minutes: 0 }],
              [{ date: en.date, minutes: 0 }, en],
            ];
      for (const [a0, b0] of segments) {
        // Midnight is never in the changing hour, so its offset is unambiguous.
        const oa = a0 === st ? s.start.offset_minutes : (offsetMinutes(a0.date, a0.minutes) ?? 60);
        const ob = b0 === en ? s.end.offset_minutes : (offsetMinutes(b0.date, b0.minutes) ?? 60);
        const m = minutesBetween(a0, oa, b0, ob);
        const real = m.real;
        const note = real !== m.clock ? s.dst_note : null;
        if (!a0.date.startsWith(month)) continue; // the part in the next month goes in its own report
        rows.push({
          day: Number(a0.date.slice(8, 10)),
          from: hm(a0.minutes),
          to: b0.minutes === 0 ? '24.00' : hm(b0.minutes),
          kind: s.kind,
          clock_minutes: m.clock,
          real_minutes: real,
          fk_minutes: real,
          dst_note: note,
        });
        totals[s.kind].clock_minutes += m.clock;
        totals[s.kind].real_minutes += real;
      }
      if (s.real_minutes > 12 * 60) {
        warnings.push({
          severity: 'warning',
          code: 'long_shift',
          message: `Passet ${st.date} ${clockText(st.minutes)}–${clockText(en.minutes)} är ${formatDuration(s.real_minutes)} långt.`,
          shift: i,
          date: st.date,
          person: p,
          assistant: a,
        });
      }
      const next = shifts[i + 1];
      if (next && next.start.local < s.end.local) {
        errors.push({
          severity: 'error',
          code: 'overlap_same_assistant',
          message: `${this.nameOfAssistant(a)} har två pass som överlappar den ${st.date}: ${clockText(st.minutes)}–${clockText(en.minutes)} och ${next.start.local.slice(11, 16)}–${next.end.local.slice(11, 16)}.`,
          shift: i,
          other_shift: i + 1,
          date: st.date,
          person: p,
          assistant: a,
        });
      }
    });
    return {
      id: this.reportId(month, p, a),
      month,
      person: p,
      person_name: this.nameOfPerson(p),
      assistant: a,
      assistant_name: this.nameOfAssistant(a),
      calculation_periods: [{ from: '2026-09-01', to: '2026-12-31' }],
      rows,
      totals,
      errors,
      warnings,
    };
  }

  private summary(month: Month, p: Id12, a: Id12): ReportSummary {
    const r = this.review(month, p, a);
    const s = this.sig(month, p, a);
    return {
      report_id: r.id,
      version: s.version,
      month,
      person: p,
      person_name: r.person_name,
      assistant: a,
      assistant_name: r.assistant_name,
      shift_count: this.shiftsOf(month, p, a).length,
      error_count: r.errors.length,
      warning_count: r.warnings.length,
      signed_by_assistant_at: s.assistant,
      signed_by_provider_at: s.provider,
      submission_state: s.submission?.state ?? null,
    };
  }

  /** A change to a report makes a new version: its signatures no longer apply. */
  private touched(month: Month, p: Id12, a: Id12): void {
    const s = this.sig(month, p, a);
    if (s.assistant || s.provider || s.submission) {
      s.version += 1;
      s.assistant = null;
      s.provider = null;
      s.submission = null;
    }
  }

  private newSubmission(month: Month, p: Id12, a: Id12): SubmissionItem {
    return {
      submission_id: nextId('sub'),
      report_id: this.reportId(month, p, a),
      version: this.sig(month, p, a).version,
      month,
      person_name: this.nameOfPerson(p),
      assistant_name: this.nameOfAssistant(a),
      state: 'queued',
      tx_id: null,
      fk_message: null,
      explanation: null,
      next_attempt_at: null,
      attempts: 0,
    };
  }

  private recordHistory(item: SubmissionItem, at: string): void {
    if (item.state !== 'accepted' && item.state !== 'rejected' && item.state !== 'uncertain') return;
    this.historyEntries.push({
      submission_id: item.submission_id,
      report_id: item.report_id,
      version: item.version,
      month: item.month,
      person_name: item.person_name,
      assistant_name: item.assistant_name,
      queued_at: at,
      sent_at: at,
      state: item.state,
      tx_id: item.tx_id,
      fk_message: item.fk_message,
      document_sha256: demoHex(`${item.report_id}.${item.version}`, 64),
      signed_by: [`Assistent: ${item.assistant_name}`, `Anordnare: ${this.provider?.contact_person ?? 'anordnaren'}`],
      attempts: item.attempts,
    });
  }

  // ------------------------------------------------------------------ overview & register

  async monthOverview(month: Month): Promise<MonthOverview> {
    const reports: ReportSummary[] = [];
    const pairs = new Set<string>();
    for (const s of this.shifts.values()) {
      if (s.start.local.startsWith(month)) pairs.add(`${s.person}|${s.assistant}`);
    }
    for (const k of this.signatures.keys()) {
      const [m, p, a] = k.split('|');
      if (m === month && p && a && this.signatures.get(k)?.submission) pairs.add(`${p}|${a}`);
    }
    for (const pair of [...pairs].sort()) {
      const [p = '', a = ''] = pair.split('|');
      reports.push(this.summary(month, p, a));
    }
    const errors: Issue[] = this.provider
      ? []
      : [{ severity: 'error', code: 'provider_missing', message: 'Anordnaren är inte registrerad: lägg till den under Register.' }];
    const granted_hours = this.persons.flatMap((p) => this.usage(month, p.personnummer));
    return { month, reports, errors, warnings: [], granted_hours };
  }

  async register(): Promise<RegisterData> {
    return structuredClone({ provider: this.provider, persons: this.persons, assistants: this.assistants });
  }

  async saveProvider(provider: Provider): Promise<Provider> {
    if (provider.name.trim() === '') throw fail('empty_name', 'Anordnarens namn saknas.', 'name');
    const org = provider.org_number.replace(/\D/g, '');
    if (org.length !== 10 || !luhnOk(org))
      throw fail('invalid_org_number', `Organisationsnumret ”${provider.org_number}” stämmer inte (10 siffror med rätt kontrollsiffra).`, 'org_number');
    if (provider.phone.replace(/\D/g, '').length < 7)
      throw fail('phone_too_short', 'Försäkringskassan kräver ett telefonnummer med minst 7 siffror.', 'phone');
    this.provider = { ...provider, org_number: org };
    return structuredClone(this.provider);
  }

  private checkId(value: string, field: string): string {
    const digits = value.replace(/\D/g, '');
    if (digits.length !== 12)
      throw fail('invalid_identity_number', `”${value}” ska vara 12 siffror: ÅÅÅÅMMDDNNNN.`, field);
    if (!luhnOk(digits))
      throw fail('invalid_identity_number', `Kontrollsiffran i ”${value}” stämmer inte. Kontrollera numret.`, field);
    return digits;
  }

  async savePerson(p: PersonWithAssistance): Promise<PersonWithAssistance> {
    const personnummer = this.checkId(p.personnummer, 'personnummer');
    if (Number(personnummer.slice(6, 8)) > 60)
      throw fail('coordination_number_not_allowed', 'En person med assistans måste ha personnummer, inte samordningsnummer.', 'personnummer');
    if (!p.first_name.trim()) throw fail('empty_name', 'Förnamn saknas.', 'first_name');
    if (!p.last_name.trim()) throw fail('empty_name', 'Efternamn saknas.', 'last_name');
    const saved = { ...p, personnummer };
    const i = this.persons.findIndex((x) => x.personnummer === personnummer);
    if (i >= 0) this.persons[i] = saved;
    else this.persons.push(saved);
    return structuredClone(saved);
  }

  async deletePerson(personnummer: Id12): Promise<void> {
    if ([...this.shifts.values()].some((s) => s.person === personnummer))
      throw fail('in_use', 'Personen har registrerade pass och kan inte tas bort.');
    this.persons = this.persons.filter((x) => x.personnummer !== personnummer);
  }

  async saveAssistant(a: Assistant): Promise<Assistant> {
    const id = this.checkId(a.id, 'id');
    if (!a.first_name.trim()) throw fail('empty_name', 'Förnamn saknas.', 'first_name');
    if (!a.last_name.trim()) throw fail('empty_name', 'Efternamn saknas.', 'last_name');
    if (a.phone !== null && a.phone.trim() !== '' && a.phone.replace(/\D/g, '').length < 7)
      throw fail('phone_too_short', 'Telefonnumret ska ha minst 7 siffror (eller lämnas tomt).', 'phone');
    if (a.employment.type === 'other_employer' && !luhnOk(a.employment.org_number.replace(/\D/g, '')))
      throw fail('invalid_org_number', `Arbetsgivarens organisationsnummer ”${a.employment.org_number}” stämmer inte.`, 'employer_org');
    if (a.calculation_period && a.calculation_period.length.count < 1)
      throw fail('period_length', 'Beräkningsperiodens längd måste vara minst 1.', 'calc_period_length');
    const saved: Assistant = { ...a, id, phone: a.phone?.trim() ? a.phone.trim() : null };
    const i = this.assistants.findIndex((x) => x.id === id);
    if (i >= 0) this.assistants[i] = saved;
    else this.assistants.push(saved);
    return structuredClone(saved);
  }

  async deleteAssistant(id: Id12): Promise<void> {
    if ([...this.shifts.values()].some((s) => s.assistant === id))
      throw fail('in_use', 'Assistenten har registrerade pass och kan inte tas bort.');
    this.assistants = this.assistants.filter((x) => x.id !== id);
  }

  // ------------------------------------------------------------------ teams and granted hours

  private teamOf(p: Id12): Set<Id12> {
    let team = this.teams.get(p);
    if (!team) {
      team = new Set([...this.shifts.values()].filter((s) => s.person === p).map((s) => s.assistant));
      this.teams.set(p, team);
    }
    return team;
  }

  private details(p: Id12): PersonDetails {
    const team = [...this.teamOf(p)]
      .map((id) => ({ id, name: this.nameOfAssistant(id), since: null }))
      .sort((x, y) => x.name.localeCompare(y.name, 'sv'));
    return structuredClone({ person: p, team, grants: this.grants.get(p) ?? [] });
  }

  async personDetails(p: Id12): Promise<PersonDetails> {
    if (!this.persons.some((x) => x.personnummer === p)) throw fail('unknown_person', 'Personen finns inte i registret.');
    return this.details(p);
  }

  async addTeamMember(p: Id12, a: Id12): Promise<PersonDetails> {
    if (!this.assistants.some((x) => x.id === a))
      throw fail('missing', 'Det finns ingen sådan assistent i registret; registrera assistenten först.', 'assistant');
    this.teamOf(p).add(a);
    return this.details(p);
  }

  async removeTeamMember(p: Id12, a: Id12): Promise<PersonDetails> {
    this.teamOf(p).delete(a);
    return this.details(p);
  }

  async addGrant(g: Grant): Promise<PersonDetails> {
    const minutes = hoursToMinutes(g.hours);
    if (minutes === null || minutes <= 0)
      throw fail('invalid_value', `beviljade timmar: ”${g.hours}” är inte ett antal timmar; skriv t.ex. 40, 37,5 eller 37:30`, 'hours');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(g.valid_from))
      throw fail('invalid_value', `gäller från: ”${g.valid_from}” är inte ett datum (ÅÅÅÅ-MM-DD)`, 'valid_from');
    const to = g.valid_to?.trim() ? g.valid_to.trim() : null;
    if (g.period === 'decision' && !to)
      throw fail('invalid_value', 'beslut: timmar för hela beslutsperioden behöver beslutets sista dag', 'valid_to');
    const list = this.grants.get(g.person) ?? [];
    const overlaps = list.find((o) => (o.valid_to === null || g.valid_from <= o.valid_to) && (to === null || o.valid_from <= to));
    if (overlaps)
      throw fail('invalid_value', `gäller från: personen har redan ett beslut som gäller samma dagar (från ${overlaps.valid_from}); ta bort det eller registrera det nya från dagen efter att det gamla slutar`, 'valid_from');
    list.push({ ...g, id: ++this.grantCounter, valid_to: to });
    this.grants.set(g.person, list);
    return this.details(g.person);
  }

  async removeGrant(p: Id12, id: number): Promise<PersonDetails> {
    this.grants.set(p, (this.grants.get(p) ?? []).filter((g) => g.id !== id));
    return this.details(p);
  }

  /** A sample of the Rust computation (assistid_core::grant): shifts counted by start day. */
  private usage(month: Month, p: Id12): GrantUsage[] {
    const out: GrantUsage[] = [];
    const first = `${month}-01`;
    const dim = daysInMonth(month);
    const last = `${month}-${String(dim).padStart(2, '0')}`;
    for (const g of this.grants.get(p) ?? []) {
      const minutes = hoursToMinutes(g.hours) ?? 0;
      const from = g.period === 'decision' ? g.valid_from : g.valid_from > first ? g.valid_from : first;
      const to = g.valid_to !== null && g.valid_to < last ? g.valid_to : last;
      if (to < first || g.valid_from > last || to < from) continue;
      const days = (Date.parse(to) - Date.parse(from < first ? first : from)) / 86_400_000 + 1;
      const granted =
        g.period === 'week' ? Math.round((minutes * days) / 7) : g.period === 'month' ? Math.round((minutes * days) / dim) : minutes;
      const used = [...this.shifts.values()]
        .filter((s) => s.person === p && s.start.local.slice(0, 10) >= from && s.start.local.slice(0, 10) <= to)
        .reduce((sum, s) => sum + s.real_minutes, 0);
      const level = used > granted ? 'exceeded' : used * 100 >= granted * 90 ? 'near' : 'within';
      out.push({ person: p, person_name: this.nameOfPerson(p), grant: g, from, to, granted_minutes: granted, used_minutes: used, level });
    }
    return out;
  }

  // ------------------------------------------------------------------ month grid

  async monthGrid(month: Month, p: Id12): Promise<MonthGridData> {
    const who = this.persons.find((x) => x.personnummer === p);
    if (!who) throw fail('unknown_person', 'Personen finns inte i registret.');
    const shifts = this.shiftsOf(month, p);
    const byAssistant = new Map<Id12, ShiftRecord[]>();
    for (const s of shifts) {
      const list = byAssistant.get(s.assistant);
      if (list) list.push(s);
      else byAssistant.set(s.assistant, [s]);
    }
    // Columns: assistants who worked this month, then the rest of the person's team.
    const team = this.teamOf(p);
    const ids = [...new Set([...byAssistant.keys(), ...team])];
    return structuredClone({
      month,
      person: who,
      assistants: ids.map((id) => ({ id, name: this.nameOfAssistant(id) })),
      shifts,
      reports: [...byAssistant].map(([a, list]) => this.review(month, p, a, list)),
      errors: [],
      warnings: [],
      team: [...team],
      granted_hours: this.usage(month, p),
    });
  }

  async addShift(input: ShiftInput): Promise<ShiftRecord> {
    const rec = this.makeRecord(nextId('s'), input);
    if (!('id' in rec)) throw rec;
    this.teamOf(input.person).add(input.assistant);
    this.shifts.set(rec.id, rec);
    this.touched(input.start.slice(0, 7), input.person, input.assistant);
    return structuredClone(rec);
  }

  async updateShift(id: string, input: ShiftInput): Promise<ShiftRecord> {
    const old = this.shifts.get(id);
    if (!old) throw fail('unknown_shift', 'Passet finns inte längre.');
    const rec = this.makeRecord(id, input);
    if (!('id' in rec)) throw rec;
    this.shifts.set(id, rec);
    this.touched(old.start.local.slice(0, 7), old.person, old.assistant);
    this.touched(input.start.slice(0, 7), input.person, input.assistant);
    return structuredClone(rec);
  }

  async deleteShift(id: string): Promise<void> {
    const old = this.shifts.get(id);
    if (!old) return;
    this.shifts.delete(id);
    this.touched(old.start.local.slice(0, 7), old.person, old.assistant);
  }

  // ------------------------------------------------------------------ import

  async openImportFile(file: ImportFile): Promise<ChosenFile> {
    // The browser stand-in does not read the file: whatever is chosen, it previews the sample
    // below (the real parsing is the Rust importer's).
    const token = nextId('file');
    this.importFiles.set(token, {
      name: file.file_name,
      columns: ['personnummer_person', 'personnummer_assistent', 'datum', 'start', 'slut', 'slag'],
      rows: [
        { row: 2, values: [P_ELSA, A_SARA, '2026-10-31', '20:00', '23:00', 'aktiv'], status: 'ok' },
        { row: 3, values: [P_ELSA, A_SARA, '2026-10-32', '08:00', '12:00', 'aktiv'], status: 'error' },
        { row: 4, values: [P_ELSA, '199912319999', '2026-10-29', '22:00', '07:00', 'beredskap'], status: 'error' },
        { row: 5, values: [P_OMAR, A_LINA, '2026-10-30', '21:00', '23:30', 'vänte'], status: 'ok' },
      ],
    });
    return { file_token: token, file_name: file.file_name };
  }

  private previewOf(token: string): ImportPreview {
    const f = this.importFiles.get(token);
    if (!f) throw fail('unknown_file', 'Filen är inte längre vald. Välj den igen.');
    const problems: ImportProblem[] = [];
    for (const r of f.rows) {
      const [p = '', a = '', date = '', start = '', end = '', kind = ''] = r.values;
      const local: ImportProblem[] = [];
      const add = (column: string, value: string, code: string, message: string) =>
        local.push({ row: r.row, column, value, code, severity: 'error', message });
      if (!this.persons.some((x) => x.personnummer === p))
        add('personnummer_person', p, 'unknown_person', `Rad ${r.row}: personen ${p} finns inte i registret.`);
      if (!this.assistants.some((x) => x.id === a))
        add('personnummer_assistent', a, 'unknown_assistant', `Rad ${r.row}: assistenten ${a} finns inte i registret. Lägg till assistenten eller rätta numret.`);
      const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (!d || Number(d[3]) > daysInMonth(`${d[1]}-${d[2]}`) || Number(d[3]) < 1)
        add('datum', date, 'invalid_date', `Rad ${r.row}: datumet ”${date}” finns inte. Skriv ÅÅÅÅ-MM-DD.`);
      for (const [col, v] of [
        ['start', start],
        ['slut', end],
      ] as const)
        if (!/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(v)) add(col, v, 'invalid_time', `Rad ${r.row}: tiden ”${v}” går inte att läsa. Skriv TT:MM.`);
      if (!['aktiv', 'vänte', 'vante', 'beredskap'].includes(kind.toLowerCase()))
        add('slag', kind, 'unknown_kind', `Rad ${r.row}: okänt slag ”${kind}”. Använd aktiv, vänte eller beredskap.`);
      r.status = local.length ? 'error' : 'ok';
      problems.push(...local);
    }
    const errorRows = f.rows.filter((r) => r.status === 'error').length;
    return structuredClone({
      file_token: token,
      file_name: f.name,
      can_fix_rows: true,
      source: {
        bytes: 412,
        sha256: '9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab',
        description: 'CSV, avgränsare semikolon, teckenkodning Windows-1252 (Excels vanliga CSV-format)',
      },
      columns: f.columns,
      rows: f.rows,
      counts: {
        rows_read: f.rows.length,
        rows_valid: f.rows.length - errorRows,
        rows_with_errors: errorRows,
        rows_with_warnings: 0,
        shifts: f.rows.length - errorRows,
        new_shifts: f.rows.length - errorRows,
        already_present: 0,
        errors: problems.length,
        warnings: 0,
      },
      problems,
      problems_total: problems.length,
    });
  }

  async previewImport(file: ChosenFile): Promise<ImportPreview> {
    return this.previewOf(file.file_token);
  }

  async fixImportRow(fileToken: string, row: number, values: string[]): Promise<ImportPreview> {
    const f = this.importFiles.get(fileToken);
    const r = f?.rows.find((x) => x.row === row);
    if (!r) throw fail('unknown_row', `Rad ${row} finns inte i filen.`);
    r.values = [...values];
    return this.previewOf(fileToken);
  }

  async cancelImport(fileToken: string): Promise<void> {
    this.importFiles.delete(fileToken);
  }

  async commitImport(fileToken: string, skipRows: number[]): Promise<ImportResult> {
    const preview = this.previewOf(fileToken);
    const blocking = preview.rows.filter((r) => r.status === 'error' && !skipRows.includes(r.row));
    if (blocking.length)
      throw fail('rows_with_errors', `Rad ${blocking.map((r) => r.row).join(', ')} har fel. Rätta eller hoppa över dem.`);
    let added = 0;
    const months = new Set<Month>();
    for (const r of preview.rows) {
      if (skipRows.includes(r.row)) continue;
      const [p = '', a = '', date = '', start = '', end = '', kind = ''] = r.values;
      const endDate = end <= start ? addDays(date, 1) : date;
      const k: TimeKind = kind.startsWith('v') ? 'vante' : kind.startsWith('b') ? 'beredskap' : 'aktiv';
      await this.addShift({
        person: p,
        assistant: a,
        start: `${date}T${start}`,
        start_occurrence: null,
        end: end === '24:00' ? `${addDays(date, 1)}T00:00` : `${endDate}T${end}`,
        end_occurrence: null,
        kind: k,
        note: null,
      });
      months.add(date.slice(0, 7));
      added++;
    }
    this.importFiles.delete(fileToken);
    return { shifts_added: added, rows_skipped: skipRows.length, months: [...months] };
  }

  // ------------------------------------------------------------------ signing

  private visibleText(reports: { month: Month; person: Id12; assistant: Id12 }[], role: SignerRole): string {
    const lines: string[] = [];
    if (role === 'provider') {
      lines.push(`# Tidredovisningar till Försäkringskassan`, '', `Anordnare: ${this.provider?.name ?? '–'}`, '');
    }
    for (const r of reports) {
      const review = this.review(r.month, r.person, r.assistant);
      lines.push(
        `## Tidredovisning ${formatMonth(r.month, 'sv')}`,
        `Person med assistans: ${review.person_name}`,
        `Assistent: ${review.assistant_name}`,
        ...TIME_KINDS.filter((k) => review.totals[k].real_minutes > 0).map(
          (k) => `${{ aktiv: 'Aktiv tid', vante: 'Väntetid', beredskap: 'Beredskap' }[k]}: ${formatDuration(review.totals[k].real_minutes)}`,
        ),
        `Rader: ${review.rows.length}`,
        '',
      );
    }
    lines.push(
      role === 'assistant'
        ? 'Jag intygar att jag har utfört assistansen enligt tidredovisningen ovan.'
        : 'Jag intygar för anordnaren att uppgifterna i tidredovisningarna ovan är riktiga.',
    );
    return lines.join('\n');
  }

  private startOrder(
    role: SignerRole,
    reportIds: string[],
    signer: string,
    text: string,
    callInitiator: CallInitiator | null = null,
  ): SignOrder {
    const ref = nextId('order');
    const order: DemoOrder = {
      ref,
      role,
      reportIds,
      signer,
      startedAt: Date.now(),
      listeners: new Set(),
      phone: callInitiator !== null,
      status: callInitiator
        ? { ...this.status(ref, 'pending', 'outstandingTransaction', 'RFA1'), qr_done: true }
        : this.status(ref, 'pending', 'outstandingTransaction', 'RFA1'),
    };
    this.orders.set(ref, order);
    return {
      order_ref: ref,
      role,
      signer_name: signer,
      user_visible_text: text,
      report_ids: reportIds,
      call_initiator: callInitiator,
    };
  }

  private status(ref: string, status: SignStatus['status'], hint: string | null, rfa: string, signedBy: string | null = null): SignStatus {
    const m = RFA[rfa] ?? { sv: 'Okänt fel. Försök igen.', en: 'Unknown error. Please try again.' };
    return {
      order_ref: ref,
      status,
      hint_code: hint,
      message: { id: rfa, text: m[this.lang()] },
      signed_by: signedBy,
      qr_done: status !== 'pending' || hint === 'userSign',
    };
  }

  private emit(order: DemoOrder, s: SignStatus): void {
    order.status = s;
    for (const l of order.listeners) l(s);
  }

  async startSigning(reportId: string, role: SignerRole, callInitiator?: CallInitiator): Promise<SignOrder> {
    const r = this.findReport(reportId);
    if (!r) throw fail('unknown_report', 'Rapporten har ändrats sedan sidan visades. Ladda om och försök igen.');
    const s = this.summary(r.month, r.person, r.assistant);
    if (s.error_count > 0) throw fail('report_has_errors', 'Rapporten har fel som måste rättas innan den kan signeras.');
    if (role === 'provider' && !s.signed_by_assistant_at)
      throw fail('assistant_not_signed', 'Assistenten måste signera innan anordnaren kan signera.');
    const signer = role === 'assistant' ? s.assistant_name : (this.provider?.contact_person ?? 'anordnaren');
    return this.startOrder(role, [reportId], signer, this.visibleText([r], role), callInitiator ?? null);
  }

  async startProviderBatch(month: Month, callInitiator?: CallInitiator): Promise<SignOrder> {
    const overview = await this.monthOverview(month);
    const ready = overview.reports.filter(
      (x) => x.report_id && x.signed_by_assistant_at && !x.signed_by_provider_at && x.error_count === 0 && !x.submission_state,
    );
    if (!ready.length) throw fail('nothing_to_sign', 'Inga rapporter väntar på anordnarens signatur.');
    const ids = ready.map((x) => x.report_id ?? '');
    return this.startOrder(
      'provider',
      ids,
      this.provider?.contact_person ?? 'anordnaren',
      this.visibleText(ready.map((x) => ({ month, person: x.person, assistant: x.assistant })), 'provider'),
      callInitiator ?? null,
    );
  }

  async qrFrame(orderRef: string): Promise<string> {
    const order = this.orders.get(orderRef);
    if (!order) throw fail('unknown_order', 'Signeringen finns inte längre.');
    const second = Math.floor((Date.now() - order.startedAt) / 1000);
    return demoQrSvg(`${orderRef}.${second}`);
  }

  async onSignStatus(orderRef: string, listener: (s: SignStatus) => void): Promise<Unsubscribe> {
    const order = this.orders.get(orderRef);
    if (!order) throw fail('unknown_order', 'Signeringen finns inte längre.');
    order.listeners.add(listener);
    queueMicrotask(() => listener(order.status));
    return () => order.listeners.delete(listener);
  }

  async cancelSigning(orderRef: string): Promise<void> {
    const order = this.orders.get(orderRef);
    if (order && order.status.status === 'pending') this.emit(order, this.status(orderRef, 'failed', 'cancelled', 'RFA3'));
  }

  async openBankIdOnThisComputer(orderRef: string): Promise<void> {
    const order = this.orders.get(orderRef);
    if (order && order.status.status === 'pending') this.emit(order, this.status(orderRef, 'pending', 'outstandingTransaction', 'RFA13'));
  }

  async simulateBankIdApp(orderRef: string, action: SimulatedBankIdAction): Promise<void> {
    if (this.settingsData.environment !== 'demo') throw fail('not_demo', 'Simuleringen finns bara i demoläget.');
    const order = this.orders.get(orderRef);
    if (!order || order.status.status !== 'pending') throw fail('order_finished', 'Signeringen är redan avslutad.');
    if (action === 'cancel') return this.emit(order, this.status(orderRef, 'failed', 'userCancel', 'RFA6'));
    if (action === 'expire') return this.emit(order, this.status(orderRef, 'failed', 'expiredTransaction', 'RFA8'));
    if (action === 'decline_call') {
      if (!order.phone) throw fail('not_a_phone_order', 'Det här är ingen underskrift via telefonsamtal.');
      return this.emit(order, this.status(orderRef, 'failed', 'userDeclinedCall', 'ASSISTID-PHONE-DECLINED'));
    }
    if (action === 'wrong_person' && order.phone)
      throw fail('wrong_person_phone', 'En telefonorder går bara till BankID-appen hos den som ska skriva under; ingen annan kan öppna den.');
    if (action === 'wrong_person')
      return this.emit(order, {
        ...this.status(orderRef, 'failed', null, 'RFA22'),
        message: { id: 'wrong_signer', text: 'Underskriften gjordes av någon annan än den som skulle skriva under. Ingenting sparades.' },
      });
    if (order.phone) {
      this.emit(order, this.status(orderRef, 'pending', 'userCallConfirm', 'ASSISTID-PHONE-CONFIRM'));
      await new Promise((r) => setTimeout(r, 800));
    }
    this.emit(order, this.status(orderRef, 'pending', 'userSign', 'RFA9'));
    await new Promise((r) => setTimeout(r, 800));
    const now = new Date().toISOString();
    for (const id of order.reportIds) {
      const r = this.findReport(id);
      if (!r) continue;
      const s = this.sig(r.month, r.person, r.assistant);
      if (order.role === 'assistant') s.assistant = now;
      else s.provider = now;
    }
    this.emit(order, { ...this.status(orderRef, 'complete', null, 'RFA9', order.signer), message: { id: '', text: '' } });
  }

  // ------------------------------------------------------------------ submission

  async submit(month: Month): Promise<SubmissionQueue> {
    const overview = await this.monthOverview(month);
    const reportIds = overview.reports
      .filter((x) => x.report_id && x.signed_by_provider_at && (!x.submission_state || x.submission_state === 'rejected'))
      .map((x) => x.report_id ?? '');
    if (!reportIds.length) throw fail('nothing_to_send', `Det finns inga rapporter för ${month} som är klara att skicka.`);
    for (const id of reportIds) {
      const r = this.findReport(id);
      if (!r) throw fail('unknown_report', 'En rapport har ändrats sedan sidan visades. Ladda om och försök igen.');
      const s = this.sig(r.month, r.person, r.assistant);
      if (!s.provider) throw fail('not_signed', 'Rapporten måste vara signerad av både assistent och anordnare innan den skickas.');
      if (s.submission && s.submission.state !== 'rejected') continue;
      const item = this.newSubmission(r.month, r.person, r.assistant);
      s.submission = item;
      this.queue.push(item);
    }
    this.startPacer();
    return this.submissionQueue();
  }

  /** FK allows about one call per second: one queued report per tick. */
  private startPacer(): void {
    if (this.pacer) return;
    this.pacer = setInterval(() => {
      const sending = this.queue.find((i) => i.state === 'sending');
      if (sending) {
        // Canned answers: Ali Yusuf's report is rejected (so the demo shows a rejection).
        if (sending.assistant_name === 'Ali Yusuf') {
          sending.state = 'rejected';
          sending.fk_message = 'SignatureValidationError: Signaturen för assistent kunde inte valideras.';
          sending.explanation =
            'Försäkringskassan kunde inte kontrollera assistentens BankID-underskrift. Låt assistenten signera rapporten igen och skicka den sedan på nytt.';
          const r = this.findReport(sending.report_id);
          if (r) {
            const s = this.sig(r.month, r.person, r.assistant);
            s.assistant = null;
            s.provider = null;
          }
        } else {
          sending.state = 'accepted';
          const x = demoHex(sending.submission_id, 32);
          sending.tx_id = `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
        }
        sending.attempts += 1;
        this.recordHistory(sending, new Date().toISOString());
        this.notify(sending);
        return;
      }
      const next = this.queue.find((i) => i.state === 'queued');
      if (!next) {
        if (this.pacer) clearInterval(this.pacer);
        this.pacer = null;
        return;
      }
      next.state = 'sending';
      this.notify(next);
    }, 1000);
  }

  private notify(item: SubmissionItem): void {
    for (const l of this.submissionListeners) l(structuredClone(item));
  }

  async submissionQueue(): Promise<SubmissionQueue> {
    const items = [...this.queue];
    for (const s of this.signatures.values()) if (s.submission && !items.includes(s.submission)) items.push(s.submission);
    const relay = this.relay.mode === 'relay' && this.relay.address ? { relay_address: this.relay.address } : {};
    return structuredClone({ items, rate_per_second: 1, running: this.pacer !== null, ...relay });
  }

  // ------------------------------------------------------------------ the vendor's relay

  async relaySettings(): Promise<RelaySettings> {
    return structuredClone(this.relay);
  }

  /**
   * A stand-in for the vendor's relay: an `https://` address and a code of 20 symbols of
   * Crockford's base-32 (as `assistid-relay enrol` prints it) enrol the demo provider; a code
   * starting with `0000` counts as already used (the relay's refusal), one starting with
   * `9999` as made for another organisationsnummer (refused without being used up).
   */
  async enrolRelay(address: string, code: string, caFile: ImportFile | null): Promise<RelaySettings> {
    const url = address.trim().replace(/\/+$/, '');
    if (!/^https:\/\/[^\s/]+/.test(url))
      throw fail('invalid_input', `relayns adress: "${address}" är ingen adress till en relay; den ska börja med https:// (leverantören ger den)`, 'address');
    const symbols = code.toUpperCase().replace(/[^0-9A-Z]/g, '');
    if (!/^[0-9A-HJKMNP-TV-Z]{20}$/.test(symbols))
      throw fail('invalid_input', 'anslutningskod: koden ska vara 20 tecken (siffror och bokstäver) i grupper om fyra, som leverantören gav den', 'code');
    const orgnr = this.provider?.org_number ?? '';
    if (!orgnr) throw fail('missing_data', 'Lägg in anordnaren (organisationsnummer) innan du ansluter till leverantören.');
    if (symbols.startsWith('0000'))
      throw fail('relay_enrolment_refused', 'Relayn nekade: Anslutningskoden gäller inte: den är fel skriven, redan använd eller för gammal. Be leverantören om en ny kod. (kod enrolment_code_invalid)', 'code');
    if (symbols.startsWith('9999'))
      throw fail('relay_other_provider', `Anslutningskoden gäller organisationsnummer 556036-0793, men datamappens anordnare har ${orgnr.slice(0, 6)}-${orgnr.slice(6)}. Koden är inte förbrukad. Kontrollera anordnarens organisationsnummer i Assistid, eller be leverantören om en kod för ${orgnr.slice(0, 6)}-${orgnr.slice(6)}.`, 'code');
    this.relay = {
      mode: 'relay',
      available: true,
      address: url,
      installation_id: `demo-${demoHex(symbols, 8)}`,
      provider: `${orgnr.slice(0, 6)}-${orgnr.slice(6)}`,
      enrolled_at: new Date().toISOString(),
      pinned_ca: caFile !== null,
    };
    return this.relaySettings();
  }

  async leaveRelay(): Promise<RelaySettings> {
    // Nothing in the stand-in was really handed to a relay, so nothing waits there.
    this.relay = { mode: 'direct', available: true, pinned_ca: false };
    return this.relaySettings();
  }

  async onSubmissionProgress(listener: (i: SubmissionItem) => void): Promise<Unsubscribe> {
    this.submissionListeners.add(listener);
    return () => this.submissionListeners.delete(listener);
  }

  // ------------------------------------------------------------------ history & settings

  async history(): Promise<HistoryEntry[]> {
    return structuredClone([...this.historyEntries].sort((a, b) => (a.queued_at < b.queued_at ? 1 : -1)));
  }

  async rawFkAnswer(submissionId: string): Promise<RawFkAnswer> {
    const h = this.historyEntries.find((x) => x.submission_id === submissionId);
    if (!h) throw fail('unknown_submission', 'Sändningen finns inte.');
    const outcome = h.state;
    return {
      submission_id: submissionId,
      attempts: [{ attempt: 1, started_at: h.sent_at ?? h.queued_at, outcome, raw_answer: this.rawBody(h) }],
    };
  }

  private rawBody(h: HistoryEntry): string | null {
    if (h.state === 'accepted')
      return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">\n  <soap:Body>\n    <SkickaTidredovisningResponse xmlns="urn:shs:emottagning:SkickaTidredovisning:1">\n      <tx-id>${h.tx_id}</tx-id>\n    </SkickaTidredovisningResponse>\n  </soap:Body>\n</soap:Envelope>`;
    if (h.state === 'rejected')
      return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">\n  <soap:Body>\n    <soap:Fault>\n      <faultcode>soap:Client</faultcode>\n      <faultstring>SignatureValidationError</faultstring>\n      <detail>\n        <SignatureValidationError xmlns="urn:shs:emottagning:SkickaTidredovisning:1">\n          <message>Signaturen för assistent kunde inte valideras.</message>\n        </SignatureValidationError>\n      </detail>\n    </soap:Fault>\n  </soap:Body>\n</soap:Envelope>`;
    return null;
  }

  // ------------------------------------------------------------------ a way out (issue 21)

  private submissionItem(id: string): SubmissionItem | null {
    const live = [...this.queue, ...[...this.signatures.values()].map((s) => s.submission)].find(
      (i) => i?.submission_id === id,
    );
    if (live) return live;
    const h = this.historyEntries.find((x) => x.submission_id === id);
    return h ? itemFromHistory(h) : null;
  }

  async submissionDetail(submissionId: string): Promise<SubmissionDetail> {
    const item = this.submissionItem(submissionId);
    if (!item) throw fail('missing_data', `Inskickning ${submissionId} finns inte.`);
    const h = this.historyEntries.find((x) => x.submission_id === submissionId);
    return structuredClone(demoDetail(item, h));
  }

  async resolveSubmission(submissionId: string, decision: ResolveDecision): Promise<SubmissionDetail> {
    const item = this.submissionItem(submissionId);
    if (!item) throw fail('missing_data', `Inskickning ${submissionId} finns inte.`);
    if (item.state !== 'uncertain') throw fail('invalid_input', 'inskickning: bara en oklar inskickning tar ett beslut');
    if (decision.kind === 'accepted') {
      const problem = txIdProblem(decision.tx_id);
      if (problem) throw fail('invalid_input', translate(this.lang(), problem), 'tx-id');
      item.state = 'accepted';
      item.tx_id = normalizeTxId(decision.tx_id);
    } else if (decision.kind === 'resend') {
      item.state = 'queued';
      if (!this.queue.includes(item)) this.queue.push(item);
      this.startPacer();
    } else {
      item.state = 'abandoned';
    }
    item.explanation = null;
    const h = this.historyEntries.find((x) => x.submission_id === submissionId);
    if (h && (item.state === 'accepted' || item.state === 'abandoned')) {
      h.state = item.state;
      h.tx_id = item.tx_id;
    }
    this.notify(item);
    return this.submissionDetail(submissionId);
  }

  async writeDiagnostics(submissionId: string): Promise<WrittenFile> {
    const item = this.submissionItem(submissionId);
    if (!item) throw fail('missing_data', `Inskickning ${submissionId} finns inte.`);
    return {
      path: `exports/${item.month}/felrapporter/felrapport-inskickning-${submissionId}.json`,
      description: 'Felrapport till leverantören (utan personuppgifter)',
    };
  }

  /** The demo's vendor, as `assistid demo` stores it (crates/app/src/support_contact.rs). */
  private support: SupportContact = {
    name: 'Assistid Demo AB (demoleverantör)',
    phone: '08-555 010 00',
    email: 'support@assistid-demo.example',
    web: 'https://assistid-demo.example/support',
    described: '',
  };

  async supportContact(): Promise<SupportContact> {
    return { ...this.support, described: describeSupport(this.lang(), this.support) };
  }

  async setSupportContact(contact: SupportContact): Promise<SupportContact> {
    const clean = (v: string | null) => (v?.trim() ? v.trim() : null);
    const next = { name: clean(contact.name), phone: clean(contact.phone), email: clean(contact.email), web: clean(contact.web), described: '' };
    if (next.phone && (!/^[0-9 +()-]+$/.test(next.phone) || next.phone.replace(/\D/g, '').length < 5))
      throw failWith('invalid_input', `supportens telefonnummer: "${next.phone}" är inget telefonnummer.`, { field: 'supportens telefonnummer', 'field@code': 'support_field_phone' });
    if (next.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(next.email))
      throw failWith('invalid_input', `supportens e-postadress: "${next.email}" är ingen e-postadress.`, { field: 'supportens e-postadress', 'field@code': 'support_field_email' });
    if (next.web && !/^https?:\/\/[^\s.]+\.[^\s]+$/.test(next.web))
      throw failWith('invalid_input', `supportens webbadress: "${next.web}" är ingen webbadress.`, { field: 'supportens webbadress', 'field@code': 'support_field_web' });
    this.support = next;
    return this.supportContact();
  }

  async checkReportFile(file: ImportFile): Promise<FileCheck> {
    const bytes = Uint8Array.from(atob(file.content_base64), (c) => c.charCodeAt(0));
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    return demoFileCheck(new TextDecoder().decode(bytes), hex, this.historyEntries);
  }

  async exportReceipt(month: Month): Promise<WrittenFile> {
    return { path: `exports/${month}/kvitto-${month}.pdf`, description: `Kvitto för ${month} (PDF, och samma innehåll som JSON bredvid)` };
  }

  async exportAssistantCopies(month: Month): Promise<WrittenFile> {
    return { path: `exports/${month}/assistenter`, description: `Kopior till assistenterna för ${month}` };
  }

  async exportInvoice(month: Month): Promise<WrittenFile> {
    return { path: `exports/${month}/underlag-rakning`, description: `Underlag för räkningen (FK 3057 / E-RÄK) för ${month}` };
  }

  async openExport(): Promise<void> {
    // The browser stand-in has no files to open.
  }

  async reminders(month: Month): Promise<Reminders> {
    const overview = await this.monthOverview(month);
    const missing: MissingReport[] = [];
    const remind = new Map<string, AssistantToRemind>();
    for (const r of overview.reports) {
      if (r.submission_state === 'accepted') continue;
      const code = !r.signed_by_assistant_at
        ? 'not_signed_by_assistant'
        : !r.signed_by_provider_at
          ? 'not_signed_by_provider'
          : r.submission_state === 'rejected'
            ? 'rejected_by_fk'
            : 'not_sent';
      missing.push({ person: r.person_name, assistant: r.assistant_name, reason_code: code, reason: code.replaceAll('_', ' ') });
      if (code === 'not_signed_by_assistant') {
        const a = this.assistants.find((x) => x.id === r.assistant);
        const entry = remind.get(r.assistant) ?? { name: r.assistant_name, phone: a?.phone ?? null, persons: [] };
        entry.persons.push(r.person_name);
        remind.set(r.assistant, entry);
      }
    }
    const deadline = `${addMonths(month, 2)}-05`;
    return {
      month,
      deadline,
      days_left: 0,
      reports: overview.reports.length,
      accepted: overview.reports.filter((r) => r.submission_state === 'accepted').length,
      missing,
      assistants_to_remind: [...remind.values()],
    };
  }

  async settings(): Promise<Settings> {
    return structuredClone(this.settingsData);
  }

  async setEnvironment(environment: Environment): Promise<Settings> {
    if (environment !== 'demo')
      throw fail('no_certificate', 'Demoappen i webbläsaren kan inte ansluta till Försäkringskassan. Det går först i skrivbordsappen med inlästa certifikat.');
    this.settingsData.environment = environment;
    return this.settings();
  }

  async setLanguage(language: Language): Promise<Settings> {
    this.settingsData.language = language;
    return this.settings();
  }

  async importCertificate(purpose: CertificatePurpose, password: string): Promise<Settings> {
    if (password === '') throw fail('password_missing', 'Skriv lösenordet till certifikatfilen.', 'password');
    this.settingsData.certificates = this.settingsData.certificates.filter((c) => c.purpose !== purpose);
    this.settingsData.certificates.push({
      purpose,
      subject: purpose === 'fk_client' ? 'Trygga Händer Assistans AB (demo)' : 'Trygga Händer Assistans AB, BankID RP (demo)',
      issuer: 'Assistid demo-CA',
      not_after: '2028-11-26T23:59:59Z',
      password_in_keychain: true,
    });
    return this.settings();
  }
}

const UNCERTAIN_EXPLANATION =
  'Anslutningen bröts innan Försäkringskassan svarade, så vi vet inte om rapporten kom fram. FK har ingen statusfråga. ' +
  'Skicka den inte igen förrän du vet: ring Försäkringskassan och fråga om rapporten (se id och version ovan) är mottagen. ' +
  'Är den inte det, kan du skicka den igen.';

/** Deterministic hex for demo checksums and ids (FNV-1a + xorshift; not a real hash). */
function demoHex(seed: string, length: number): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  let out = '';
  while (out.length < length) {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    h >>>= 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** A decorative, QR-like 25×25 pattern that changes with `seed` (NOT a scannable BankID code). */
export function demoQrSvg(seed: string): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  const n = 25;
  const cells: string[] = [];
  const finder = (x: number, y: number) =>
    [[0, 0], [n - 7, 0], [0, n - 7]].some(([fx = 0, fy = 0]) => x >= fx && x < fx + 7 && y >= fy && y < fy + 7);
  const finderOn = (x: number, y: number) => {
    const lx = x < 7 ? x : x - (n - 7);
    const ly = y < 7 ? y : y - (n - 7);
    return lx === 0 || lx === 6 || ly === 0 || ly === 6 || (lx >= 2 && lx <= 4 && ly >= 2 && ly <= 4);
  };
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let on: boolean;
      if (finder(x, y)) on = finderOn(x, y);
      else {
        h ^= h << 13;
        h ^= h >>> 17;
        h ^= h << 5;
        h >>>= 0;
        on = (h & 3) === 0 || (h & 5) === 1;
      }
      if (on) cells.push(`M${x + 2} ${y + 2}h1v1h-1z`);
    }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n + 4} ${n + 4}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="${cells.join('')}"/></svg>`;
}

/** For tests and `npm run dev`: the month the demo data is in. */
export const DEMO_DATA_MONTH: Month = DEMO_MONTH;

/** How the support contact reads (the Rust side's `SupportContact::describe`, for the stand-in). */
function describeSupport(lang: Language, c: SupportContact): string {
  const parts = [
    c.name,
    c.phone && (lang === 'sv' ? `telefon ${c.phone}` : `phone ${c.phone}`),
    c.email && (lang === 'sv' ? `e-post ${c.email}` : `e-mail ${c.email}`),
    c.web && (lang === 'sv' ? `webb ${c.web}` : `web ${c.web}`),
  ].filter((p): p is string => !!p);
  if (!parts.length)
    return lang === 'sv'
      ? 'Leverantörens supportkontakt är inte inlagd i Assistid.'
      : "The vendor's support contact has not been entered in Assistid.";
  return lang === 'sv' ? `Leverantörens support: ${parts.join(', ')}.` : `The vendor's support: ${parts.join(', ')}.`;
}
