// Lint configuration: typescript-eslint's type-aware rules over the service, its tests, scripts and benchmarks;
// formatting is Prettier's job, so eslint-config-prettier turns off the rules that would fight it.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["src/generated/", "src/client/generated/", "node_modules/", "data/", "bench/data/", "web/dist/"] },
  {
    files: [
      "src/**/*.ts",
      "test/**/*.ts",
      "web/**/*.ts",
      "web/**/*.tsx",
      "scripts/**/*.ts",
      "bench/**/*.ts",
      "prisma.config.ts",
      "prisma.postgres.config.ts",
      "vitest.config.ts",
    ],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The rules that find real defects, kept on as errors.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // Pothos plugins add their types by merging into its global PothosSchemaTypes namespace.
      "@typescript-eslint/no-namespace": ["error", { allowDeclarations: true }],
      // A variable a closure reads before its one assignment (the server's app) cannot be const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // A leading underscore marks an argument kept for its position (callbacks, resolvers).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    // Functions stay short enough to read at once.
    rules: { "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      // Tests and benchmarks read untyped JSON answers (GraphQL results, metrics) and assert on their shape.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // `any` stands for those JSON answers in test helpers; typing each answer would add nothing the assertions check.
      "@typescript-eslint/no-explicit-any": "off",
      // Fakes and stubs implement async interfaces (adapters, migrators) with bodies that need no await.
      "@typescript-eslint/require-await": "off",
      // Graph walks in specs and benchmarks use short-circuit and comma expressions as statements on purpose.
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
  {
    files: ["prisma.config.ts", "prisma.postgres.config.ts"],
    // Prisma's config type asks for an async adapter factory; ours builds the adapter without awaiting anything.
    rules: { "@typescript-eslint/require-await": "off" },
  },
  {
    files: ["src/plugins/**/*.ts"],
    // Yoga and envelop hand hooks callbacks (setResult, endResponse, ...) that need no `this`; the rule cannot tell.
    rules: { "@typescript-eslint/unbound-method": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    // Plain JavaScript files (this config) are outside tsconfig.json, so no type information.
    extends: [js.configs.recommended, tseslint.configs.disableTypeChecked],
  },
  prettier,
);
