// Checks every input value of an operation before it runs — variables, document literals and
// variable defaults alike, down into JSON values — against the rules no resolver should have
// to repeat: storable, bounded strings (src/domain/input-limits.ts), exact integers for
// BigInt, and connection cursors the server could have issued.
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { documentOf, operationNameOf } from "./operation.ts";
import { DomainError, invalid } from "../domain/errors.ts";
import { toGraphQLError } from "./errors.ts";
import { checkString, maxLengthOf, MAX_JSON_STRING_LENGTH } from "../domain/input-limits.ts";

export function useInputChecks(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      try {
        checkOperation(args.schema as GraphQLSchema, documentOf(args), operationNameOf(args), (args.variableValues ?? {}) as Record<string, unknown>);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        setResultAndStopExecution({ data: null, errors: [toGraphQLError(error)] });
      }
    },
  };
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

type Variables = Record<string, unknown>;

/** An argument of an operation, found once per parsed document: what checking its value needs. */
interface ArgumentSite {
  node: ArgumentNode;
  type: GraphQLInputType;
  /** the path its fields are named from */
  root: string;
  /** a connection's `after` or `before`: its strings must be cursors */
  cursor: boolean;
}

/**
 * The arguments of each operation of a document, by schema: the document's walk with the
 * schema's types is made once per parsed document (Yoga hands the same document for the same
 * query text), and each request only checks the values.
 */
const sitesBySchema = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, ArgumentSite[]>>();

function argumentSites(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ArgumentSite[] {
  let byOperation = sitesBySchema.get(schema);
  if (!byOperation) sitesBySchema.set(schema, (byOperation = new WeakMap()));
  const known = byOperation.get(operation);
  if (known) return known;
  const sites: ArgumentSite[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: (node) => (node === operation ? undefined : false),
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (!argument) return;
        // An argument whose resolver checks each item itself (ingestOpenLineage: one bad event
        // fails only itself) is left to it.
        if (argument.extensions?.checkedByResolver) return;
        const field = typeInfo.getFieldDef();
        sites.push({
          node,
          type: argument.type,
          // Fields are named from inside a mutation's input object ("transform.name"), as the
          // domain rules name them; other arguments by their own name ("filter.key.contains").
          root: node.name.value === "input" ? "" : node.name.value,
          cursor: !!field && (node.name.value === "after" || node.name.value === "before") && getNamedType(field.type).name.endsWith("Connection"),
        });
      },
    }),
  );
  byOperation.set(operation, sites);
  return sites;
}

function checkOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Variables) {
  const operation = getOperationAST(document, operationName);
  if (!operation) return; // graphql-js reports it
  const sites = argumentSites(schema, document, operation);
  if (sites.length === 0) return;
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const resolveVariable = (name: string): { value: unknown } | { node: ValueNode } | null => {
    if (Object.prototype.hasOwnProperty.call(variables, name)) return { value: variables[name] };
    const node = defaults.get(name);
    return node ? { node } : null;
  };
  for (const site of sites) {
    const walker = new ValueWalker(resolveVariable);
    walker.ast(site.node.value, site.type, site.root, site.node.name.value);
    if (site.cursor) for (const cursor of walker.strings) checkCursor(cursor, site.node.name.value);
  }
}

/** Walks one argument's value with its input type, checking each string it holds. */
class ValueWalker {
  /** The argument's top-level string values (a cursor argument's cursor). */
  strings: string[] = [];
  constructor(private readonly resolveVariable: (name: string) => { value: unknown } | { node: ValueNode } | null) {}

  ast(node: ValueNode, type: GraphQLInputType, path: string, fieldName: string, top = true): void {
    if (node.kind === Kind.VARIABLE) {
      const resolved = this.resolveVariable(node.name.value);
      if (!resolved) return;
      if ("node" in resolved) return this.ast(resolved.node, type, path, fieldName, top);
      return this.value(resolved.value, type, path, fieldName, top);
    }
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (node.kind === Kind.LIST) node.values.forEach((item, i) => this.ast(item, nullable.ofType, `${path}[${i}]`, fieldName, false));
      else this.ast(node, nullable.ofType, path, fieldName, false);
      return;
    }
    if (isInputObjectType(nullable)) {
      if (node.kind !== Kind.OBJECT) return;
      const fields = nullable.getFields();
      for (const field of node.fields) {
        const definition = fields[field.name.value];
        if (definition) this.ast(field.value, definition.type, join(path, field.name.value), field.name.value, false);
      }
      return;
    }
    if (nullable.name === "JSON") return this.jsonAst(node, path);
    if (node.kind === Kind.STRING) {
      checkString(node.value, path, maxLengthOf(fieldName));
      if (top) this.strings.push(node.value);
    }
  }

  value(value: unknown, type: GraphQLInputType, path: string, fieldName: string, top = true): void {
    if (value == null) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (Array.isArray(value)) value.forEach((item, i) => this.value(item, nullable.ofType, `${path}[${i}]`, fieldName, false));
      else this.value(value, nullable.ofType, path, fieldName, false);
      return;
    }
    if (isInputObjectType(nullable)) {
      if (typeof value !== "object" || Array.isArray(value)) return; // graphql-js reports the type error
      const fields = nullable.getFields();
      for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
        if (fields[name]) this.value(item, fields[name].type, join(path, name), name, false);
      }
      return;
    }
    if (nullable.name === "JSON") return this.json(value, path);
    if (nullable.name === "BigInt" && typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw invalid(path, `${value} is beyond 2^53 − 1 and was rounded on its way through JSON: send a 64-bit integer as a decimal string`);
    }
    if (typeof value === "string") {
      checkString(value, path, maxLengthOf(fieldName));
      if (top) this.strings.push(value);
    }
  }

  private json(value: unknown, path: string): void {
    if (typeof value === "string") return checkString(value, path, MAX_JSON_STRING_LENGTH);
    if (Array.isArray(value)) return value.forEach((item, i) => this.json(item, `${path}[${i}]`));
    if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        checkString(key, path, MAX_JSON_STRING_LENGTH, "object key");
        this.json(item, `${path}.${key}`);
      }
    }
  }

  private jsonAst(node: ValueNode, path: string): void {
    switch (node.kind) {
      case Kind.VARIABLE: {
        const resolved = this.resolveVariable(node.name.value);
        if (resolved && "node" in resolved) this.jsonAst(resolved.node, path);
        else if (resolved) this.json(resolved.value, path);
        return;
      }
      case Kind.STRING:
        return checkString(node.value, path, MAX_JSON_STRING_LENGTH);
      case Kind.LIST:
        return node.values.forEach((item, i) => this.jsonAst(item, `${path}[${i}]`));
      case Kind.OBJECT:
        for (const field of node.fields) this.jsonAst(field.value, `${path}.${field.name.value}`);
        return;
      default:
        return;
    }
  }
}

// Every connection of the schema pages by the integer id (Pothos' `GPC:N:<id>` cursor); ids
// are 32-bit integers on both databases.
const CURSOR = /^GPC:N:(0|[1-9]\d{0,9})$/;
const MAX_ID = 2 ** 31 - 1;

function checkCursor(cursor: string, field: string): void {
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  const match = CURSOR.exec(decoded);
  const canonical = Buffer.from(decoded, "utf8").toString("base64");
  if (!match || Number(match[1]) > MAX_ID || canonical.replace(/=+$/, "") !== cursor.replace(/=+$/, "")) {
    const shown = JSON.stringify(cursor.length > 64 ? `${cursor.slice(0, 64)}…` : cursor);
    throw invalid(field, `${shown} is not a cursor of this list: pass a pageInfo.startCursor or endCursor (or an edge's cursor) unchanged`);
  }
}
