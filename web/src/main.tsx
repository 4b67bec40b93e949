// The web UI: routes, the header with the search box, and the token prompt.
import { render } from "preact";
import { LocationProvider, Route, Router } from "preact-iso/router";
import { TokenPrompt } from "./TokenPrompt.tsx";
import { SearchBox } from "./SearchBox.tsx";
import { RunsPage } from "./pages/Runs.tsx";
import { RunPage } from "./pages/Run.tsx";
import { ArtifactPage } from "./pages/Artifact.tsx";
import { CollectionPage } from "./pages/Collection.tsx";
import { TransformPage } from "./pages/Transform.tsx";
import { LineagePage } from "./pages/Lineage.tsx";
import "./styles.css";

function NotFound() {
  return (
    <main>
      <h1>Not found</h1>
      <p>
        <a href="/">Back to the runs</a>
      </p>
    </main>
  );
}

function App() {
  return (
    <LocationProvider scope={/^\/(?!graphql)/}>
      <header class="top">
        <a class="brand" href="/">
          lineage-registry
        </a>
        <nav>
          <a href="/">Runs</a>
          <a href="/graphql">GraphQL</a>
        </nav>
        <SearchBox />
      </header>
      <TokenPrompt />
      <Router>
        <Route path="/" component={RunsPage} />
        <Route path="/runs/:uid" component={RunPage} />
        <Route path="/artifacts/:uid" component={ArtifactPage} />
        <Route path="/collections/:uid" component={CollectionPage} />
        <Route path="/transforms/:uid" component={TransformPage} />
        <Route path="/lineage/:uid" component={LineagePage} />
        <Route default component={NotFound} />
      </Router>
    </LocationProvider>
  );
}

render(<App />, document.getElementById("app")!);
