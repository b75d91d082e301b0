// A certified OpenID provider (panva's oidc-provider) for the interop
// tests, on loopback over https. It reads its settings from the JSON file
// named by its first argument (written by oidcprovider_test.go: the TLS
// key and certificate, the CA of client certificates, the clients), and
// prints one JSON line with its issuer once it listens. GET /_test/events
// lists the token events it emitted (issued, revoked), which the tests
// compare with what the provider did. Access tokens for settings.resource
// are opaque: the server revokes no structured (JWT) token
// (unsupported_token_type). DPoP is on, with nonces required.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signing = { ...privateKey.export({ format: 'jwk' }), kid: 'interop', use: 'sig', alg: 'RS256' };
const events = [];

const server = createServer({
  key: settings.tls.key,
  cert: settings.tls.cert,
  ca: settings.tls.clientCA,
  requestCert: true,
  rejectUnauthorized: false,
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `https://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: settings.clients,
    jwks: { keys: [signing] },
    scopes: ['api:read', 'api:write'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'tls_client_auth'],
    enabledJWA: { clientAuthSigningAlgValues: ['HS256', 'RS256', 'ES256', 'PS256'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      // DPoP (RFC 9449) with nonces: every proof must carry the server's
      // nonce, which the first proof is refused for (use_dpop_nonce).
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        // settings.resource gets opaque tokens (which the server can
        // revoke), settings.jwtResource JWT access tokens (RFC 9068).
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== settings.resource && resource !== settings.jwtResource) {
            throw new Error(`unknown resource ${resource}`);
          }
          const format = resource === settings.jwtResource ? 'jwt' : 'opaque';
          return { scope: 'api:read api:write', audience: resource, accessTokenFormat: format, accessTokenTTL: 3600 };
        },
      },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        getCertificate: (ctx) => {
          const peer = ctx.socket.getPeerCertificate(false);
          return peer && peer.raw ? new X509Certificate(peer.raw) : undefined;
        },
        certificateAuthorized: (ctx) => ctx.socket.authorized,
        certificateSubjectMatches: (ctx, property, expected) => {
          const peer = ctx.socket.getPeerCertificate(false);
          return property === 'tls_client_auth_subject_dn' && peer && peer.subject && `CN=${peer.subject.CN}` === expected;
        },
      },
    },
    ttl: { ClientCredentials: 3600 },
  });
  provider.proxy = false;
  for (const name of ['client_credentials.saved', 'client_credentials.destroyed']) {
    provider.on(name, (token) => {
      events.push({
        event: name, client_id: token.clientId, jti: token.jti, x5t: token['x5t#S256'],
        aud: token.aud || (token.resourceServer && token.resourceServer.audience),
      });
    });
  }
  for (const name of ['grant.error', 'revocation.error', 'server_error']) {
    provider.on(name, (_ctx, err) => {
      events.push({ event: name, error: `${err.name}: ${err.message} ${err.error_description || ''}` });
    });
  }
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/_test/events') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(events));
      return;
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

