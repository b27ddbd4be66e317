import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts';

const TEAMS = { TEAMS_CLIENT_ID: '00000000-0000-4000-8000-000000000001', TEAMS_CLIENT_SECRET: 'secret', TEAMS_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47' };

describe('the Teams Graph configuration', () => {
  it('defaults to Microsoft’s sign-in service, Graph v1.0 and the global Bot Connector', () => {
    expect(loadConfig(TEAMS).teams?.graph).toEqual({
      loginUrl: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com/v1.0',
      serviceUrl: 'https://smba.trafficmanager.net/teams/',
    });
  });

  it('takes fakes on loopback outside production, and refuses plain http for Graph and sign-in in production, where app-only tokens travel', () => {
    const fakes = { TEAMS_GRAPH_LOGIN_URL: 'http://127.0.0.1:4000/login', TEAMS_GRAPH_URL: 'http://127.0.0.1:4000/v1.0' };
    expect(loadConfig({ ...TEAMS, ...fakes }).teams?.graph).toMatchObject({ loginUrl: fakes.TEAMS_GRAPH_LOGIN_URL, graphUrl: fakes.TEAMS_GRAPH_URL });
    let error: unknown;
    try {
      loadConfig({ ...TEAMS, ...fakes, NODE_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/TEAMS_GRAPH_LOGIN_URL must be https when NODE_ENV=production/);
    expect((error as ConfigError).message).toMatch(/TEAMS_GRAPH_URL must be https when NODE_ENV=production/);
  });

  it('says plainly when a Graph URL is not a URL', () => {
    expect(() => loadConfig({ ...TEAMS, TEAMS_GRAPH_URL: 'graph' })).toThrow(/TEAMS_GRAPH_URL must be an http\(s\) URL \(Microsoft Graph, https:\/\/graph\.microsoft\.com\/v1\.0\) \(got "graph"\)/);
  });
});
