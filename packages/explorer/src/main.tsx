// Monaco's language workers come from this bundle, not from a CDN.
import 'graphiql/setup-workers/vite';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';

/** The page is served by the gateway at its own GraphQL URL, so queries go where it came from. */
const fetcher = createGraphiQLFetcher({ url: window.location.pathname });

// Headers must stay JSON: the way to a token is spelled out in the value to replace.
const defaultHeaders = JSON.stringify({ authorization: 'Bearer <token: npm run token -- admin@contoso-partner.example>' }, null, 2);

const defaultQuery = `# Partner Graph. A token for the Headers tab:
#   npm run token -- admin@contoso-partner.example
# The explorer (left) browses the schema; Ctrl-Enter runs.
query Me {
  me {
    email
    companyRole
    partner {
      companyName
    }
  }
}
`;

const plugins = [explorerPlugin()];

createRoot(document.getElementById('explorer')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      visiblePlugin={plugins[0]}
      defaultHeaders={defaultHeaders}
      defaultQuery={defaultQuery}
      defaultEditorToolsVisibility="headers"
    />
  </StrictMode>,
);
