// Asks for an API token when the service answers 401 (started with --auth token). The token
// is kept in sessionStorage: this tab only, gone when it closes, never in a URL or cookie.
import { useState } from "preact/hooks";
import { authRequired, setToken } from "./api.ts";

export function TokenPrompt() {
  const required = authRequired.use();
  const [value, setValue] = useState("");
  if (!required) return null;
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="token-title">
      <form
        class="token-prompt"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) {
            setToken(value);
            setValue("");
          }
        }}
      >
        <h2 id="token-title">API token</h2>
        <p>
          {required.refused
            ? "The service refused the token (revoked, expired or mistyped). Enter another one."
            : "This service asks for an API token (npm run cli -- token create)."}{" "}
          It is kept for this browser tab only.
        </p>
        <label>
          Token <input name="token" type="password" autocomplete="off" autoFocus value={value} onInput={(event) => setValue(event.currentTarget.value)} />
        </label>
        <button type="submit">Use token</button>
      </form>
    </div>
  );
}
