import { describe, expect, it } from 'vitest';
import { cannotRelaunchMessage, isOlderThan, launchDecision } from '../../bin/node-launcher.js';

describe('the Node launcher behind npm start and npm test', () => {
  it('compares versions part by part, with or without the v', () => {
    expect(isOlderThan('20.20.2')).toBe(true);
    expect(isOlderThan('v22.17.9')).toBe(true);
    expect(isOlderThan('22.18.0')).toBe(false);
    expect(isOlderThan('v22.19.0')).toBe(false);
    expect(isOlderThan('24.1.0')).toBe(false);
    expect(isOlderThan('9.0.0', '10.0.0')).toBe(true);
  });

  it('runs here on a new enough Node, relaunches under Node 24 on an older one, and gives up if the relaunch is still too old', () => {
    expect(launchDecision('24.11.1', {})).toBe('run');
    expect(launchDecision('22.18.0', { TRELLIS_NODE_RELAUNCHED: '1' })).toBe('run');
    expect(launchDecision('20.20.2', {})).toBe('relaunch');
    expect(launchDecision('20.20.2', { TRELLIS_NODE_RELAUNCHED: '1' })).toBe('give-up');
  });

  it('says in one sentence what to install when Node 24 cannot be fetched', () => {
    const message = cannotRelaunchMessage('v20.20.2');
    expect(message).toContain('this is Node 20.20.2');
    expect(message).toContain('install Node 24 LTS');
    expect(message.split('\n')).toHaveLength(1);
  });
});
