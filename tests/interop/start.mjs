// Real peers for mcp-auth's interop tests, on 127.0.0.1 only:
//   - oidc-provider (certified OpenID provider) configured as an MCP authorization server:
//     PKCE S256 required, dynamic client registration on, resource indicators on (a client_credentials
//     request with resource=<MCP URL> yields a JWT access token whose `aud` is that resource);
//   - a protected MCP server built with the official MCP TypeScript SDK (requireBearerAuth +
//     mcpAuthMetadataRouter), verifying JWTs against oidc-provider's JWKS with jose.
// Prints ONE JSON line on stdout when both listen: {"issuer", "mcp", "prm", "clients": {...}}.
// Exits when stdin closes, on SIGTERM/SIGINT, and by itself after 10 minutes.

import http from 'node:http';
import express from 'express';
import Provider from 'oidc-provider';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

const LIFETIME_MS = 10 * 60 * 1000;
const HOST = '127.0.0.1';
const SCOPES = ['mcp:read', 'mcp:write'];
// Pre-registered confidential clients the tests mint tokens with (client_credentials).
const CLIENTS = {
  good: { client_id: 'interop-client', client_secret: 'interop-secret-0123456789abcdef' },
  // Same, but its access tokens live 1 second: the tests use it for an expired token.
  expiring: { client_id: 'interop-expiring', client_secret: 'interop-secret-fedcba9876543210' },
};

function stop(code = 0) {
  process.exit(code);
}
setTimeout(() => stop(0), LIFETIME_MS);
process.stdin.on('end', () => stop(0));
process.stdin.on('close', () => stop(0));
process.stdin.resume();
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(server.address().port));
  });
}

async function signingKeys() {
  const keys = [];
  for (const [alg, kid] of [['RS256', 'interop-rs256'], ['ES256', 'interop-es256']]) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), kid, alg, use: 'sig' });
  }
  return { keys };
}

// ---- authorization server -------------------------------------------------------------------------
const asServer = http.createServer();
const asPort = await listen(asServer);
const issuer = `http://${HOST}:${asPort}`;

const mcpApp = express();
const mcpServer = http.createServer(mcpApp);
const mcpPort = await listen(mcpServer);
const mcpUrl = new URL(`http://${HOST}:${mcpPort}/mcp`);

const provider = new Provider(issuer, {
  jwks: await signingKeys(),
  scopes: ['openid', 'offline_access', ...SCOPES],
  clients: [
    { ...CLIENTS.good, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_post' },
    { ...CLIENTS.expiring, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_post' },
  ],
  pkce: { required: () => true },
  features: {
    // The dev login and consent pages: tests/interop/browser.mjs completes them as a user would.
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    registration: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => mcpUrl.href,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator, client) => ({
        scope: SCOPES.join(' '),
        audience: resourceIndicator,
        accessTokenTTL: client.clientId === CLIENTS.expiring.client_id ? 1 : 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
asServer.on('request', provider.callback());

// ---- protected MCP server (official SDK) ----------------------------------------------------------
const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));

/** The SDK's OAuthTokenVerifier: a JWT signed by the AS, for this resource, unexpired. */
const verifier = {
  async verifyAccessToken(token) {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: mcpUrl.href,
        algorithms: ['ES256', 'RS256'],
      }));
    } catch (e) {
      throw new InvalidTokenError(`invalid token: ${e.code ?? e.message}`);
    }
    return {
      token,
      clientId: String(payload.client_id ?? payload.sub ?? ''),
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
      expiresAt: payload.exp,
      resource: new URL(Array.isArray(payload.aud) ? payload.aud[0] : payload.aud),
    };
  },
};

mcpApp.use(express.json());
mcpApp.use(
  mcpAuthMetadataRouter({
    oauthMetadata: discovery,
    resourceServerUrl: mcpUrl,
    scopesSupported: SCOPES,
    resourceName: 'mcp-auth interop MCP server',
  }),
);
const bearer = requireBearerAuth({
  verifier,
  resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl),
});

async function handleMcp(req, res) {
  const server = new McpServer({ name: 'mcp-auth-interop', version: '0.0.0' });
  server.registerTool('whoami', { description: 'Returns the caller client id' }, async (extra) => ({
    content: [{ type: 'text', text: String(extra?.authInfo?.clientId ?? '') }],
  }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
}
mcpApp.post('/mcp', bearer, (req, res) => {
  handleMcp(req, res).catch(() => {
    if (!res.headersSent) res.status(500).json({ error: 'server_error' });
  });
});
mcpApp.get('/mcp', bearer, (_req, res) => res.status(405).set('Allow', 'POST').end());

process.stdout.write(
  `${JSON.stringify({
    issuer,
    mcp: mcpUrl.href,
    prm: getOAuthProtectedResourceMetadataUrl(mcpUrl),
    token_endpoint: discovery.token_endpoint,
    jwks_uri: discovery.jwks_uri,
    clients: CLIENTS,
  })}\n`,
);
