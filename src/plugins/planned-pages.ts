// The page planner in the request: a query whose every field it covers (src/pages) is answered
// by statements that build its records in the database, instead of by the resolvers field by
// field; any other query, and any the planner gives up on, runs through the resolvers
// (docs/architecture.md, "Pages built in the database").
import { GraphQLError, OperationTypeNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import { DomainError } from "../domain/errors.ts";
import { answerPlan, PlanAbandoned, plannedResult } from "../pages/answer.ts";
import { planQuery, type RootPlan } from "../pages/plan.ts";
import { documentOf, operationOf } from "./operation.ts";

export function usePlannedPages(): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = operationOf(args);
      const ctx = args.contextValue;
      // Every record the planner builds is one any `read` caller sees: without read, the
      // resolvers' per-record checks decide (src/schema/visibility.ts).
      if (operation?.operation !== OperationTypeNode.QUERY || !ctx.user?.scopes.includes("read")) return;
      let plan: RootPlan[] | null;
      try {
        plan = planQuery(args.schema as GraphQLSchema, documentOf(args), operation, args.variableValues as Record<string, unknown> | undefined);
      } catch {
        // a query the planner cannot read is the executor's to answer
        return;
      }
      if (!plan) return;
      // Any failure (arguments the connection refuses, a record gone between the page's two
      // reads) is answered by the resolvers, with their errors.
      setExecuteFn(async (executionArgs) => {
        try {
          return plannedResult(await answerPlan(plan, ctx));
        } catch (error) {
          // A refusal is expected (the resolvers repeat it as an error); anything else is the
          // planner's fault, and worth a line in the log.
          if (!(error instanceof GraphQLError || error instanceof DomainError || error instanceof PlanAbandoned)) {
            ctx.log.warn({ err: error }, "the page planner failed; the resolvers answer the query");
          }
          return (await executeFn(executionArgs)) as ExecutionResult;
        }
      });
    },
  };
}
