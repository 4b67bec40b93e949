// Assembles the GraphQL schema from one module per type.
import { lexicographicSortSchema } from "graphql";
import { builder } from "../builder.ts";
import "./refs.ts";
import "./User.ts";
import "./Storage.ts";
import "./Transform.ts";
import "./Run.ts";
import "./Artifact.ts";
import "./Collection.ts";
import "./Param.ts";
import "./Lineage.ts";
import "./TransformLineage.ts";
import "./Auth.ts";
import "./OpenLineage.ts";
import "./Subscription.ts";
import "./RecordRuns.ts";

export const schema = lexicographicSortSchema(builder.toSchema());
