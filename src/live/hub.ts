// Live updates (docs/architecture.md, "Live updates"): the changes of committed writes become
// run and artifact events, published on an event target — in-process, or Redis so that every
// instance on the same database hears every other's — and handed to the subscriptions whose
// filters they match. The hub counts its subscriptions and holds them to the limits per
// connection and per token.
import { createHash } from "node:crypto";
import { createPubSub, Repeater, SlidingBuffer, type PubSub } from "graphql-yoga";
import type { Database } from "../db/database.ts";
import { limitExceeded } from "../domain/errors.ts";
import { onChanges, type ArtifactChangeKind, type Change, type RunChangeKind } from "../domain/write-context.ts";
import type { Logger } from "../log.ts";
import type { EventChannel } from "./event-target.ts";

/** A run event as published: the run's id and what subscription filters look at. */
export interface RunEvent {
  kind: RunChangeKind;
  id: number;
  status: string;
  transformUid: string;
  createdBy: string;
}

/** An artifact event as published. */
export interface ArtifactEvent {
  kind: ArtifactChangeKind;
  id: number;
  key: string | null;
  storageRoot: string;
}

// Topics are per database (its id as the routing key): instances of other databases that
// share a Redis stay apart.
type Topics = { runs: [databaseId: string, event: RunEvent]; artifacts: [databaseId: string, event: ArtifactEvent] };
type EventOf<T extends keyof Topics> = Topics[T][1];

/** Subscriptions per connection and per token when no limit is configured. */
export const DEFAULT_SUBSCRIPTION_LIMIT = 100;

/** Events a subscriber may fall behind by; past that its oldest undelivered ones are dropped. */
const BUFFER = 1_000;

export interface LiveOptions {
  db: Database;
  /** Where events travel (src/live/event-target.ts): in-process, or Redis for every instance on the database. */
  channel: EventChannel;
  /** The database's identity (its local user's uid): instances of other databases on the same Redis stay apart. */
  databaseId: string;
  maxPerConnection: number;
  maxPerToken: number;
  logger?: Logger;
}

/** Who holds a subscription, for the limits: the connection it came on and the credentials it used. */
export interface Holder {
  connection?: object;
  token: string;
}

/** The per-connection and per-token subscription counts, and the check of a new one against the limits. */
function subscriptionLimits(options: Pick<LiveOptions, "maxPerConnection" | "maxPerToken">) {
  const perConnection = new WeakMap<object, number>();
  const perToken = new Map<string, number>();
  /** Refuses a subscription over a limit; the count is taken when its stream starts. */
  const check = (holder: Holder) => {
    const onConnection = holder.connection ? (perConnection.get(holder.connection) ?? 0) : 0;
    if (onConnection >= options.maxPerConnection) {
      throw limitExceeded(`this connection already holds ${onConnection} subscriptions (--max-subscriptions-per-connection ${options.maxPerConnection})`);
    }
    const ofToken = perToken.get(holder.token) ?? 0;
    if (ofToken >= options.maxPerToken) {
      throw limitExceeded(`this token already holds ${ofToken} subscriptions (--max-subscriptions-per-token ${options.maxPerToken})`);
    }
  };
  const count = (holder: Holder, delta: 1 | -1) => {
    if (holder.connection) perConnection.set(holder.connection, (perConnection.get(holder.connection) ?? 0) + delta);
    const left = (perToken.get(holder.token) ?? 0) + delta;
    if (left > 0) perToken.set(holder.token, left);
    else perToken.delete(holder.token);
  };
  const active = () => [...perToken.values()].reduce((sum, n) => sum + n, 0);
  return { check, count, active };
}

export type LiveHub = ReturnType<typeof createLiveHub>;

export function createLiveHub(options: LiveOptions) {
  const { db, databaseId, channel } = options;
  let closed: Promise<void> | undefined;
  const pubsub: PubSub<Topics> = createPubSub<Topics>({ eventTarget: channel.target });
  const { check, count, active } = subscriptionLimits(options);
  const stops = new Set<() => void>();
  let announced: Promise<void> = Promise.resolve();

  const publish = async (changes: Change[]) => {
    for (const event of await runEvents(db, changes)) pubsub.publish("runs", databaseId, event);
    for (const event of await artifactEvents(db, changes)) pubsub.publish("artifacts", databaseId, event);
  };
  // In the order the writes committed, one batch after the other.
  const stopListening = onChanges(db, (changes) => {
    // Nobody to tell: no subscription here, and no other instance listening through the channel.
    if (!channel.shared && active() === 0) return;
    announced = announced.then(() => publish(changes)).catch((error: unknown) => options.logger?.error({ err: error }, "live update not published"));
  });

  /** The events of a topic that pass `matches`, until the subscriber leaves (or the hub closes). */
  function subscribe<T extends keyof Topics>(topic: T, holder: Holder, matches: (event: EventOf<T>) => boolean): AsyncIterable<EventOf<T>> {
    check(holder);
    return new Repeater<EventOf<T>>(async (push, stop) => {
      // The topic's type is generic here; createPubSub types each call by its literal topic.
      const source = (pubsub.subscribe as (topic: keyof Topics, id: string) => Repeater<EventOf<T>>)(topic, databaseId);
      count(holder, 1);
      stops.add(stop);
      const forward = async () => {
        for await (const event of source) if (matches(event)) await push(event);
      };
      await Promise.race([stop, forward()]);
      await source.return();
      stops.delete(stop);
      count(holder, -1);
    }, new SlidingBuffer(BUFFER));
  }

  return {
    subscribe,
    /** Subscriptions open on this instance: each holds one listener on the event target. */
    get active() {
      return active();
    },
    /** Resolves once every change committed so far has been announced (for tests and shutdown). */
    settled: (): Promise<void> => announced,
    /** Ends every subscription (their streams complete) and closes the event target. */
    close(): Promise<void> {
      closed ??= (async () => {
        stopListening();
        for (const stop of [...stops]) stop();
        await announced;
        await channel.close();
      })();
      return closed;
    },
  };
}

/** The identity of a caller's credentials for the per-token limit: a hash of its Authorization header. */
export function tokenKey(authorization: string | null, userId: number): string {
  return authorization ? createHash("sha256").update(authorization).digest("hex") : `user:${userId}`;
}

async function runEvents(db: Database, changes: Change[]): Promise<RunEvent[]> {
  const wanted = changes.filter((change) => change.model === "Run");
  if (!wanted.length) return [];
  // The primary's reader: a replica may not have the write that was just committed. What is
  // read never changes after the run is created; its status may have, so each event carries
  // the status its own write left.
  const rows = await db.onPrimary().reader.run.findMany({
    where: { uid: { in: [...new Set(wanted.map((change) => change.uid))] } },
    select: { id: true, uid: true, transform: { select: { uid: true } }, createdBy: { select: { handle: true } } },
  });
  const byUid = new Map(rows.map((row) => [row.uid, row]));
  return wanted.flatMap((change) => {
    const row = byUid.get(change.uid);
    if (!row) return []; // removed for good since
    return [{ kind: change.kind, id: row.id, status: change.status, transformUid: row.transform.uid, createdBy: row.createdBy.handle }];
  });
}

async function artifactEvents(db: Database, changes: Change[]): Promise<ArtifactEvent[]> {
  const wanted = changes.filter((change) => change.model === "Artifact");
  if (!wanted.length) return [];
  const rows = await db.onPrimary().reader.artifact.findMany({
    where: { uid: { in: [...new Set(wanted.map((change) => change.uid))] } },
    select: { id: true, uid: true, key: true, storage: { select: { root: true } } },
  });
  const byUid = new Map(rows.map((row) => [row.uid, row]));
  return wanted.flatMap((change) => {
    const row = byUid.get(change.uid);
    if (!row) return [];
    return [{ kind: change.kind, id: row.id, key: row.key, storageRoot: row.storage.root }];
  });
}
