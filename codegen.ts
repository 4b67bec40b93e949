// GraphQL Code Generator: the TypeScript client's typed documents, from schema.graphql and
// src/client/operations.graphql. `npm run codegen` writes them; `npm run check:generated`
// fails when the committed output is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: "src/client/operations.graphql",
  generates: {
    "src/client/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          BigInt: { input: "number | string", output: "number | string" },
          DateTime: { input: "string", output: "string" },
          JSON: { input: "unknown", output: "unknown" },
        },
      },
    },
  },
};

export default config;
