// Lays out a graph in a worker (web/build.ts bundles it and names its file) when it is large,
// on the main thread when it is small or workers are unavailable.
import { layoutGraph, type Layout } from "./layout.ts";
import type { Graph } from "./model.ts";

/** The worker's script, set by the build. */
declare const LAYOUT_WORKER_URL: string;

const WORKER_ABOVE_NODES = 150;
let worker: Worker | undefined;
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
  }
  return worker;
}

export function layoutAsync(graph: Graph): Promise<Layout> {
  if (graph.nodes.length <= WORKER_ABOVE_NODES || typeof Worker === "undefined") return Promise.resolve(layoutGraph(graph));
  let target: Worker;
  try {
    target = layoutWorker();
  } catch {
    return Promise.resolve(layoutGraph(graph));
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    target.postMessage({ id, graph });
  });
}
