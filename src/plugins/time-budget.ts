// The per-query time budget: a Yoga plugin that answers LIMIT_EXCEEDED when a query outlives
// its budget, and a Pothos plugin that makes every resolver refuse to start past the
// deadline, so the abandoned execution winds down instead of running on.
import SchemaBuilder, { BasePlugin, type SchemaTypes } from "@pothos/core";
import { OperationTypeNode, type ExecutionResult, type GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { operationOf } from "./operation.ts";
import type { Context } from "../context.ts";
import { limitExceeded } from "../domain/errors.ts";
import { toGraphQLError } from "./errors.ts";

interface Deadline {
  at: number;
  /** the refusal, made once the budget is spent (an error's stack costs more than most queries) */
  error: () => GraphQLError;
}
const deadlines = new WeakMap<object, Deadline>();

/**
 * Checks the clock before each resolver of a request that has a deadline. A timer alone is
 * not enough: better-sqlite3 answers synchronously, so a long SQLite query never lets a timer
 * run; and aborting the executor through a signal leaves promises rejecting unobserved.
 */
class QueryDeadline<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(...[resolver, field]: Parameters<BasePlugin<Types>["wrapResolve"]>): ReturnType<BasePlugin<Types>["wrapResolve"]> {
    // A scalar or enum read off its parent (an exposed field) starts no work to refuse; the
    // check on each of a lineage graph's or a page's thousands of such fields cost a twentieth
    // of the request. Every field that resolves records, lists or computed values is checked.
    const leaf = field.type.kind === "Scalar" || field.type.kind === "Enum";
    if (leaf && field.extensions?.pothosExposedField != null) return resolver;
    return (parent, args, context, info) => {
      const deadline = deadlines.get(context);
      if (deadline && performance.now() >= deadline.at) throw deadline.error();
      return resolver(parent, args, context, info);
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      queryDeadline: QueryDeadline<Types>;
    }
  }
}

/** The plugin's name, as builders list it (importing this module registers it). */
export const QueryDeadlinePlugin = "queryDeadline";
SchemaBuilder.registerPlugin(QueryDeadlinePlugin, QueryDeadline);

/**
 * Queries only: a mutation is exempt, because a write that commits after its client was told
 * it failed would be worse; writes are bounded by the database's transaction timeout instead.
 */
export function useQueryTimeBudget(budgetMs: number): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = operationOf(args);
      if (operation?.operation !== OperationTypeNode.QUERY) return;
      let refusal: GraphQLError | undefined;
      const error = () =>
        (refusal ??= toGraphQLError(limitExceeded(`the query ran longer than its ${budgetMs} ms budget; ask for less (smaller pages, fewer nested fields)`)));
      deadlines.set(args.contextValue, { at: performance.now() + budgetMs, error });
      let timer: NodeJS.Timeout | undefined;
      setExecuteFn((executionArgs) =>
        Promise.race([
          Promise.resolve(executeFn(executionArgs)),
          new Promise<ExecutionResult>((resolve) => {
            timer = setTimeout(() => resolve({ data: null, errors: [error()] }), budgetMs);
          }),
        ]).finally(() => clearTimeout(timer)),
      );
    },
  };
}
