// The README's GraphQL examples (and its curl calls), run in the order a reader meets them on a fresh instance:
// each answer must match the one the README shows, uids and times aside (a uid shown in an
// answer stands for the uid this run got, in every later example).
import { readFileSync } from "node:fs";
import { Kind, parse, print, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../src/schema/index.ts";
import { startTestService, type TestService } from "../harness.ts";

interface Block {
  lang: string;
  text: string;
  line: number;
}

/** Fenced blocks that start at the beginning of a line (indented ones belong to lists). */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ lang: match[1], text: match[2], line: markdown.slice(0, match.index).split("\n").length });
  }
  return blocks;
}

/** Consecutive JSON documents, each starting at the beginning of a line. */
function jsonDocuments(text: string): unknown[] {
  return text
    .split(/\n(?=\{)/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => JSON.parse(part));
}

const isAnswer = (block: Block | undefined) => block?.lang === "json" && /^\{"(data|errors)"/.test(block.text.trim());

export interface Example {
  line: number;
  query: string;
  variables?: Record<string, unknown>;
  answer?: unknown;
  mermaid?: string;
}

/** Each operation of each graphql block, with the variables and the answer that follow it. */
export function readmeExamples(markdown: string): Example[] {
  const blocks = fencedBlocks(markdown);
  const examples: Example[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const curlBody = blocks[i].lang === "sh" ? /curl [^\n]*\/graphql[\s\S]*?-d '([^']*)'/.exec(blocks[i].text) : null;
    if (curlBody) {
      const { query, variables } = JSON.parse(curlBody[1]) as { query: string; variables?: Record<string, unknown> };
      examples.push({ line: blocks[i].line, query, variables });
    }
    if (blocks[i].lang !== "graphql") continue;
    const operations = parse(blocks[i].text).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    let next = i + 1;
    let variables: Record<string, unknown> | undefined;
    if (blocks[next]?.lang === "json" && !isAnswer(blocks[next])) variables = JSON.parse(blocks[next++].text) as Record<string, unknown>;
    const answers = isAnswer(blocks[next]) ? jsonDocuments(blocks[next++].text) : [];
    const mermaid = blocks[next]?.lang === "mermaid" ? blocks[next].text : undefined;
    if (answers.length && answers.length !== operations.length) {
      throw new Error(`README line ${blocks[i].line}: ${operations.length} operations but ${answers.length} answers`);
    }
    operations.forEach((operation, index) =>
      examples.push({
        line: blocks[i].line,
        query: print(operation),
        variables,
        answer: answers[index],
        mermaid: operations.length === 1 ? mermaid : undefined,
      }),
    );
  }
  return examples;
}

const TIME = /\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z| \d{2}:\d{2})/g;

/** Learns README uid → actual uid from the `uid` fields of an answer and its README copy. */
function learnUids(shown: unknown, actual: unknown, uids: Map<string, string>) {
  if (Array.isArray(shown) && Array.isArray(actual)) {
    shown.forEach((item, index) => learnUids(item, actual[index], uids));
  } else if (shown && actual && typeof shown === "object" && typeof actual === "object") {
    for (const [key, value] of Object.entries(shown)) {
      const other = (actual as Record<string, unknown>)[key];
      if (/^uid$|Uid$/.test(key) && typeof value === "string" && typeof other === "string") {
        const known = uids.get(value);
        if (known && known !== other) throw new Error(`README uid ${value} stands for both ${known} and ${other}`);
        uids.set(value, other);
      } else {
        learnUids(value, other, uids);
      }
    }
  }
}

function substitute(text: string, uids: Map<string, string>): string {
  let result = text;
  for (const [shown, actual] of uids) result = result.split(shown).join(actual);
  return result;
}

const normalise = (value: unknown, uids: Map<string, string>) => JSON.parse(substitute(JSON.stringify(value), uids).replace(TIME, "<time>"));

/** A Mermaid graph as sorted lines, times aside (node ids carry uids, so edges are exact). */
const mermaidLines = (text: string) =>
  text
    .replace(TIME, "<time>")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .sort();

function findMermaid(value: unknown): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  if (typeof (value as { mermaid?: unknown }).mermaid === "string") return (value as { mermaid: string }).mermaid;
  for (const inner of Object.values(value)) {
    const found = findMermaid(inner);
    if (found) return found;
  }
  return undefined;
}

describe("README examples", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.stop());

  it("run in order on a fresh instance and answer what the README shows", async () => {
    const examples = readmeExamples(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));
    expect(examples.length).toBeGreaterThan(20);
    const uids = new Map<string, string>();
    for (const example of examples) {
      const variables = example.variables && (JSON.parse(substitute(JSON.stringify(example.variables), uids)) as Record<string, unknown>);
      const where = `README line ${example.line}: ${example.query.split("\n")[0]}`;
      // A subscription answers a stream (test/api/subscriptions.test.ts): here it is only checked against the schema.
      if (/^subscription\b/.test(example.query.trim())) {
        expect(
          validate(schema, parse(example.query)).map((error) => error.message),
          where,
        ).toEqual([]);
        continue;
      }
      const actual = await svc.gql(substitute(example.query, uids), variables);
      if (example.answer === undefined) {
        expect(actual.errors, where).toBeUndefined();
      } else {
        learnUids(example.answer, actual, uids);
        expect(normalise(actual, uids), where).toMatchObject(normalise(example.answer, uids));
      }
      if (example.mermaid !== undefined) {
        const drawn = findMermaid(actual.data);
        expect(drawn, where).toBeDefined();
        expect(mermaidLines(drawn!), where).toEqual(mermaidLines(substitute(example.mermaid, uids)));
      }
    }
  });
});
