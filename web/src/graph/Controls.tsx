// The explorer's controls: direction, depth and node limit (kept in the URL by the caller), exports.
import type { ComponentChildren } from "preact";

export type Direction = "UPSTREAM" | "DOWNSTREAM" | "BOTH";

export interface ControlsProps {
  direction: Direction;
  depth: number;
  maxNodes: number;
  transforms: boolean;
  setParam: (name: string, value: string) => void;
  onExport: { svg: () => void; png: () => void; mermaid: () => void };
  children?: ComponentChildren;
}

export function Controls({ direction, depth, maxNodes, transforms, setParam, onExport, children }: ControlsProps) {
  return (
    <div class="explorer-controls">
      <div role="group" aria-label="Direction">
        {(["UPSTREAM", "DOWNSTREAM", "BOTH"] as const).map((value) => (
          <button key={value} type="button" aria-pressed={direction === value} onClick={() => setParam("direction", value)}>
            {value === "UPSTREAM" ? "Upstream" : value === "DOWNSTREAM" ? "Downstream" : "Both"}
          </button>
        ))}
      </div>
      <label>
        Depth <input type="number" name="depth" min={1} max={50} value={depth} onChange={(event) => setParam("depth", event.currentTarget.value)} />
      </label>
      {!transforms && (
        <label>
          Max nodes{" "}
          <select name="maxNodes" value={String(maxNodes)} onChange={(event) => setParam("maxNodes", event.currentTarget.value)}>
            {[100, 500, 1000, 2000, 5000].concat([100, 500, 1000, 2000, 5000].includes(maxNodes) ? [] : [maxNodes]).map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
      )}
      <span class="export">
        Export{" "}
        <button type="button" onClick={onExport.svg}>
          SVG
        </button>
        <button type="button" onClick={onExport.png}>
          PNG
        </button>
        <button type="button" onClick={onExport.mermaid}>
          Mermaid
        </button>
      </span>
      {children}
    </div>
  );
}
