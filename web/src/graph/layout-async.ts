// Lays out a graph in a worker (web/build.ts bundles it and names its file) when it is large,
// on the main thread when it is small or workers are unavailable.
import { layoutGraph, type Layout } from "./layout.ts";
import type { Graph } from "./model.ts";

/** The worker's script, set by the build. */
declare const LAYOUT_WORKER_URL: string;

const WORKER_ABOVE_NODES = 150;
let worker: Worker | undefined;
let broken = false;
let nextId = 0;
const pending = new Map<number, { resolve: (layout: Layout) => void; reject: (error: Error) => void }>();

function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(LAYOUT_WORKER_URL);
    worker.onmessage = (event: MessageEvent<{ id: number; layout?: Layout; error?: string }>) => {
      const waiting = pending.get(event.data.id);
      pending.delete(event.data.id);
      if (event.data.layout) waiting?.resolve(event.data.layout);
      else waiting?.reject(new Error(event.data.error ?? "layout failed"));
    };
    // The script did not load (say, a page older than the service's current build): the
    // waiting layouts fail, and later ones run on the main thread.
    worker.onerror = () => {
      for (const waiting of pending.values()) waiting.reject(new Error("the layout worker failed"));
      pending.clear();
      broken = true;
    };
  }
  return worker;
}

export function layoutAsync(graph: Graph): Promise<Layout> {
  if (graph.nodes.length <= WORKER_ABOVE_NODES || broken || typeof Worker === "undefined") return Promise.resolve(layoutGraph(graph));
  let target: Worker;
  try {
    target = layoutWorker();
  } catch {
    return Promise.resolve(layoutGraph(graph));
  }
  const id = nextId++;
  return new Promise<Layout>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    target.postMessage({ id, graph });
  }).catch(() => layoutGraph(graph));
}
