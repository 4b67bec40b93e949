// The runs page's URL query and how it becomes the API's RunFilter.

export interface RunsQuery {
  status?: string;
  transform?: string;
  reference?: string;
  param?: string;
  from?: string;
  to?: string;
  sort?: string;
  dir?: string;
  size?: string;
}

const OPERATORS: Record<string, string> = { "=": "eq", "==": "eq", "!=": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" };

/** "min_quality >= 20" → { name: "min_quality", gte: 20 }; the value is JSON when it parses, text otherwise. */
export function parseParamPredicate(text: string): Record<string, unknown> | undefined {
  const match = /^\s*([A-Za-z_][\w.-]*)\s*(==|!=|>=|<=|=|>|<)\s*(.+?)\s*$/.exec(text);
  if (!match) return undefined;
  const [, name, operator, raw] = match;
  let value: unknown = raw.replace(/^"(.*)"$/, "$1");
  if (!/^".*"$/.test(raw)) {
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare word: text
    }
  }
  return { name, [OPERATORS[operator]]: value };
}

/** A day in the reader's time zone, as an instant. */
function dayStart(day: string, plus = 0): string | undefined {
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + plus);
  return date.toISOString();
}

export function runFilterOf(query: RunsQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const statuses = (query.status ?? "").split(",").filter(Boolean);
  if (statuses.length) filter.status = statuses;
  if (query.transform) filter.transformName = { contains: query.transform };
  if (query.reference) filter.reference = query.reference;
  const predicate = parseParamPredicate(query.param ?? "");
  if (predicate) filter.params = [predicate];
  const gte = query.from ? dayStart(query.from) : undefined;
  // "to" includes the whole day.
  const lt = query.to ? dayStart(query.to, 1) : undefined;
  if (gte || lt) filter.startedAt = { ...(gte ? { gte } : {}), ...(lt ? { lt } : {}) };
  return filter;
}
