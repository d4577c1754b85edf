/**
 * Breast-MRI sequence recognition: which series is T1, T2, fat-suppressed T2, DWI, ADC, a DCE
 * phase or a subtraction, from header attributes and an editable, ordered rule list.
 *
 * A rule names a kind and conditions; every condition it states must hold (AND), the first
 * matching rule wins, and a series no rule matches is OTHER. Text conditions are
 * case-insensitive regular expressions. `text` is tested against SeriesDescription,
 * ProtocolName and SequenceName together, so vendor naming (Siemens "t2_tse_fs", "ep2d_diff",
 * "vibe_dyn"; GE "Ax DWI", "VIBRANT"; Philips "T2W_SPAIR", "DWI_SENSE", "eTHRIVE") is matched
 * wherever a scanner put it. Defaults follow the sequence names in the seed studies'
 * protocols and common vendor conventions; a study can replace them.
 */

export const SEQUENCE_KINDS = ['T1', 'T2', 'T2_FS', 'DWI', 'ADC', 'DCE', 'SUB', 'OTHER'] as const;
export type SequenceKind = (typeof SEQUENCE_KINDS)[number];

/** What recognition looks at, per series (or per component of a stacked series). */
export interface SeriesAttributes {
  modality?: string | undefined;
  description?: string | undefined;
  protocolName?: string | undefined;
  sequenceName?: string | undefined;
  /** ScanningSequence (0018,0020), e.g. "SE", "GR", "EP", "IR" (multi-valued joined by "\"). */
  scanningSequence?: string | undefined;
  /** SequenceVariant (0018,0021), e.g. "SK\SP\MP". */
  sequenceVariant?: string | undefined;
  /** ImageType (0008,0008), e.g. "DERIVED\PRIMARY\DIFFUSION\ADC". */
  imageType?: string | undefined;
  /** ContrastBolusAgent (0018,0010). */
  contrastAgent?: string | undefined;
  /** Distinct b-values (s/mm²) of the images. */
  bValues?: number[] | undefined;
  /** Number of distinct temporal positions (TemporalPositionIdentifier) in the series. */
  temporalPositions?: number | undefined;
}

export interface SequenceRule {
  name: string;
  kind: SequenceKind;
  /** Regular expressions (case-insensitive); each one given must match. */
  text?: string | undefined;
  description?: string | undefined;
  protocolName?: string | undefined;
  scanningSequence?: string | undefined;
  sequenceVariant?: string | undefined;
  imageType?: string | undefined;
  modality?: string | undefined;
  /** true: some image has a b-value; false: none has. */
  hasBValue?: boolean | undefined;
  /** true: more than one temporal position. */
  multiplePhases?: boolean | undefined;
  /** true: a contrast agent is named; false: none is. */
  contrast?: boolean | undefined;
}

// Word-ish boundaries: vendor names join words with "_", so \b is not enough.
const W = '(^|[^a-z0-9])';
const E = '([^a-z0-9]|$)';

export const DEFAULT_SEQUENCE_RULES: readonly SequenceRule[] = [
  { name: 'not MR', kind: 'OTHER', modality: '^(?!MR$)' },
  { name: 'ADC map (name)', kind: 'ADC', text: `${W}(e?adc|dadc)${E}|apparent.?diff|average.?dc` },
  { name: 'ADC map (ImageType)', kind: 'ADC', imageType: `${W}adc${E}` },
  { name: 'subtraction (name)', kind: 'SUB', text: `${W}subs?\\d*${E}|subtract` },
  { name: 'subtraction (ImageType)', kind: 'SUB', imageType: `${W}sub${E}` },
  { name: 'diffusion (name)', kind: 'DWI', text: `diff|${W}dwi|ep2d|resolve|${W}trace|${W}b-?\\d{2,4}${E}|b\\s*=\\s*\\d+` },
  { name: 'diffusion (b-value)', kind: 'DWI', hasBValue: true },
  { name: 'diffusion (echo planar)', kind: 'DWI', scanningSequence: `${W}ep${E}`, text: `${W}(tra|ax)` },
  {
    name: 'dynamic (name)',
    kind: 'DCE',
    text: `dyn|${W}dce|vibe|vibrant|thrive|${W}lava|twist|tricks|dynamic|${W}(pre|post)${E}|${W}ph\\d`,
  },
  { name: 'dynamic (temporal positions)', kind: 'DCE', multiplePhases: true },
  {
    name: 'fat-suppressed T2 (name)',
    kind: 'T2_FS',
    text: `t2.*(${W}fs${E}|fat.?s|spair|spir|ideal|dixon|${W}fsat)|stir|tirm`,
  },
  { name: 'T2 (name)', kind: 'T2', text: `${W}t2|${W}tse${E}.*t2|frfse|${W}fse${E}` },
  { name: 'T1 post-contrast', kind: 'DCE', text: `${W}t1`, contrast: true },
  { name: 'T1 (name)', kind: 'T1', text: `${W}t1|fl3d|flash` },
];

export interface Recognition {
  kind: SequenceKind;
  /** Name of the rule that matched, or null for OTHER by default. */
  rule: string | null;
}

/**
 * Checks a rule list before it is stored: every regular expression must compile, every rule
 * must state at least one condition. Returns problems, one sentence each (empty when valid).
 */
export function checkRules(rules: readonly SequenceRule[]): string[] {
  const problems: string[] = [];
  rules.forEach((r, k) => {
    const at = `rule ${k + 1} "${r.name}"`;
    let conditions = 0;
    for (const key of TEXT_KEYS) {
      const re = r[key];
      if (re === undefined) continue;
      conditions++;
      try {
        new RegExp(re, 'i');
      } catch (e) {
        problems.push(`${at}: ${key} /${re}/ is not a valid regular expression (${(e as Error).message})`);
      }
    }
    if (r.hasBValue !== undefined) conditions++;
    if (r.multiplePhases !== undefined) conditions++;
    if (r.contrast !== undefined) conditions++;
    if (conditions === 0) problems.push(`${at} states no condition and would match every series`);
  });
  return problems;
}

const TEXT_KEYS = [
  'text',
  'description',
  'protocolName',
  'scanningSequence',
  'sequenceVariant',
  'imageType',
  'modality',
] as const;

function test(re: string | undefined, value: string | undefined): boolean {
  if (re === undefined) return true;
  return new RegExp(re, 'i').test(value ?? '');
}

export function ruleMatches(rule: SequenceRule, a: SeriesAttributes): boolean {
  const text = [a.description, a.protocolName, a.sequenceName].filter((s) => s !== undefined && s !== '').join(' | ');
  if (!test(rule.text, text)) return false;
  if (!test(rule.description, a.description)) return false;
  if (!test(rule.protocolName, a.protocolName)) return false;
  if (!test(rule.scanningSequence, a.scanningSequence)) return false;
  if (!test(rule.sequenceVariant, a.sequenceVariant)) return false;
  if (!test(rule.imageType, a.imageType)) return false;
  if (!test(rule.modality, a.modality)) return false;
  // A b-value > 0 marks diffusion weighting; a b = 0 image alone does not.
  if (rule.hasBValue !== undefined && (a.bValues ?? []).some((b) => b > 0) !== rule.hasBValue) return false;
  if (rule.multiplePhases !== undefined && (a.temporalPositions ?? 0) > 1 !== rule.multiplePhases) return false;
  if (rule.contrast !== undefined && Boolean(a.contrastAgent?.trim()) !== rule.contrast) return false;
  return true;
}

/** The first matching rule's kind, or OTHER. */
export function recognizeSequence(a: SeriesAttributes, rules: readonly SequenceRule[] = DEFAULT_SEQUENCE_RULES): Recognition {
  for (const r of rules) if (ruleMatches(r, a)) return { kind: r.kind, rule: r.name };
  return { kind: 'OTHER', rule: null };
}

/** DICOM time "HHMMSS.FFFFFF" (or "HH:MM:SS") → seconds since midnight; undefined if unreadable. */
export function dicomTimeSeconds(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const m = /^(\d{2}):?(\d{2})?:?(\d{2})?(\.\d+)?$/.exec(t.trim());
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0);
}

/** One DCE volume (a series, or one component of a stacked series) to be ordered into phases. */
export interface PhaseCandidate {
  /** Groups volumes of one dynamic acquisition (e.g. StudyInstanceUID + protocol). */
  group: string;
  temporalPosition?: number | undefined;
  triggerTimeMs?: number | undefined;
  /** Seconds since midnight. */
  acquisitionTimeS?: number | undefined;
  seriesNumber?: number | undefined;
  /** Component index within its series. */
  component: number;
}

/**
 * Phase index per candidate: within a group, volumes are ordered by acquisition time when all
 * have one, else by temporal position, trigger time, series number and component, and numbered
 * 0, 1, 2, … — the first (pre-contrast) volume is phase 0, post-contrast phases are 1..n.
 */
export function assignPhases(candidates: readonly PhaseCandidate[]): number[] {
  const out = new Array<number>(candidates.length).fill(0);
  const groups = new Map<string, number[]>();
  candidates.forEach((c, k) => {
    let g = groups.get(c.group);
    if (!g) groups.set(c.group, (g = []));
    g.push(k);
  });
  for (const members of groups.values()) {
    const allTimes = members.every((k) => candidates[k]!.acquisitionTimeS !== undefined);
    const key = (c: PhaseCandidate): (number | undefined)[] => [
      allTimes ? c.acquisitionTimeS : undefined,
      c.temporalPosition,
      c.triggerTimeMs,
      c.seriesNumber,
      c.component,
    ];
    const sorted = [...members].sort((a, b) => {
      const ka = key(candidates[a]!);
      const kb = key(candidates[b]!);
      for (let q = 0; q < ka.length; q++) {
        const x = ka[q];
        const y = kb[q];
        if (x === undefined || y === undefined || x === y) continue;
        return x - y;
      }
      return a - b;
    });
    sorted.forEach((k, rank) => (out[k] = rank));
  }
  return out;
}
