// `--param name=value` as typed values: numbers and booleans from their text, `--param-type`
// to say otherwise (str, int, float, num, bool, json).
import { UsageError } from "./options.ts";

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
export const PARAM_TYPES = ["str", "int", "float", "num", "bool", "json"] as const;
type ParamType = (typeof PARAM_TYPES)[number];

function splitPair(pair: string, option: string): [string, string] {
  const at = pair.indexOf("=");
  if (at <= 0) throw new UsageError(`--${option} takes name=value, not ${JSON.stringify(pair)}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** The value a param's text stands for: 30 → 30, true → true, anything else a string. */
export function inferParam(text: string): unknown {
  if (NUMBER.test(text) && Number.isFinite(Number(text))) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

function convert(name: string, text: string, type: ParamType): unknown {
  const fail = (what: string) => new UsageError(`--param ${name}=${text}: not ${what} (--param-type ${name}=${type})`);
  switch (type) {
    case "str":
      return text;
    case "int":
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw fail("a whole number");
      return Number(text);
    case "float":
    case "num":
      if (!NUMBER.test(text)) throw fail("a number");
      return Number(text);
    case "bool":
      if (text !== "true" && text !== "false") throw fail("true or false");
      return text === "true";
    case "json":
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw fail("JSON");
      }
  }
}

export function parseParams(pairs: readonly string[], typePairs: readonly string[]): Record<string, unknown> | undefined {
  const types = new Map<string, ParamType>();
  for (const pair of typePairs) {
    const [name, type] = splitPair(pair, "param-type");
    if (!(PARAM_TYPES as readonly string[]).includes(type)) throw new UsageError(`--param-type ${pair}: the type is one of ${PARAM_TYPES.join(", ")}`);
    types.set(name, type as ParamType);
  }
  if (pairs.length === 0) return undefined;
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const [name, text] = splitPair(pair, "param");
    const type = types.get(name);
    params[name] = type ? convert(name, text, type) : inferParam(text);
  }
  for (const name of types.keys()) if (!(name in params)) throw new UsageError(`--param-type ${name}: there is no --param ${name}=…`);
  return params;
}
