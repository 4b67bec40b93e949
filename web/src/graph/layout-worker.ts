// Runs the dagre layout off the page's main thread: a large graph takes a second or more to
// lay out, and the page stays responsive meanwhile.
import { layoutGraph } from "./layout.ts";
import type { Graph } from "./model.ts";

const scope = self as unknown as { onmessage: ((event: MessageEvent<{ id: number; graph: Graph }>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (event) => {
  const { id, graph } = event.data;
  try {
    scope.postMessage({ id, layout: layoutGraph(graph) });
  } catch (error) {
    scope.postMessage({ id, error: String(error) });
  }
};
