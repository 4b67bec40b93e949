#!/usr/bin/env node
// The `lineage-registry` command: loads tsx's loader, then runs the TypeScript entry in this
// process (so signals and exit codes are the command's own), from any working directory.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
