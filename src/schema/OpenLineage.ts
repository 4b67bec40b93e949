// OpenLineage ingestion over GraphQL (the HTTP routes of src/openlineage/http.ts run the same
// mutation) and the raw facets every producer sent, on runs, transforms and artifacts.
import { builder } from "../builder.ts";
import { ingestOpenLineage, type EventResult as EventResultValue } from "../openlineage/ingest.ts";
import { ArtifactRef, RunRef, TransformRef } from "./refs.ts";

const EventResult = builder.objectRef<EventResultValue>("OpenLineageEventResult").implement({
  description: "What became of one OpenLineage event: written (success) or refused/failed, with the reason.",
  fields: (t) => ({
    index: t.exposeInt("index", { description: "position of the event in the list sent" }),
    status: t.exposeString("status", { description: '"success" or "failed"' }),
    reason: t.exposeString("reason", { nullable: true }),
    field: t.exposeString("field", { nullable: true, description: "the path in the event at fault, e.g. run.runId" }),
    code: t.exposeString("code", { nullable: true, description: "VALIDATION_FAILED, CONFLICT, RETRYABLE, …" }),
    retriable: t.exposeBoolean("retriable", { description: "whether sending the event again may succeed" }),
    runUid: t.exposeString("runUid", { nullable: true }),
    transformUid: t.exposeString("transformUid", { nullable: true }),
  }),
});

builder.mutationField("ingestOpenLineage", (t) =>
  t.field({
    type: [EventResult],
    authScopes: { write: true },
    description: "Ingests OpenLineage events (RunEvent, DatasetEvent, JobEvent); one result per event, in order. A refused event writes nothing.",
    args: {
      // Checked event by event by the ingestion (src/openlineage/parse.ts), so that one bad event
      // fails only itself; the request body limit bounds the whole.
      events: t.arg({ type: ["JSON"], required: true, extensions: { checkedByResolver: true } }),
    },
    resolve: (_root, args, ctx) => ingestOpenLineage(ctx.db, args.events, ctx.user),
  }),
);

builder.prismaObjectField(RunRef, "facets", (t) =>
  t.expose("facets", { type: "JSON", nullable: true, description: "OpenLineage run facets as sent (the newest value of each)" }),
);
builder.prismaObjectField(TransformRef, "facets", (t) => t.expose("facets", { type: "JSON", nullable: true, description: "OpenLineage job facets as sent" }));
builder.prismaObjectField(ArtifactRef, "facets", (t) =>
  t.expose("facets", { type: "JSON", nullable: true, description: "OpenLineage dataset facets as sent (schema, columnLineage, symlinks, …)" }),
);

builder.queryField("openLineageDataset", (t) =>
  t.prismaField({
    type: ArtifactRef,
    nullable: true,
    authScopes: { read: true },
    description: "the latest version of the artifact family an OpenLineage dataset identifier names (its own name or a symlink's)",
    args: { namespace: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const alias = await ctx.db.reader.artifactAlias.findUnique({ where: { namespace_name: { namespace: args.namespace, name: args.name } } });
      return alias ? ctx.db.reader.artifact.findFirst({ ...query, where: { stem: alias.stem, isLatest: true } }) : null;
    },
  }),
);

builder.prismaObjectField(RunRef, "errorMessage", (t) =>
  t.string({
    nullable: true,
    description: "why the run failed, from the OpenLineage errorMessage facet: the message, then the stack trace",
    select: { facets: true },
    resolve: (run) => {
      const facet = (run.facets as { errorMessage?: { message?: unknown; stackTrace?: unknown } } | null)?.errorMessage;
      if (!facet || typeof facet.message !== "string") return null;
      return typeof facet.stackTrace === "string" && facet.stackTrace ? `${facet.message}\n\n${facet.stackTrace}` : facet.message;
    },
  }),
);
