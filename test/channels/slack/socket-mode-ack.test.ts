import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };

/**
 * Why Socket Mode cannot acknowledge after commit (docs/slack.md): Bolt's SocketModeReceiver has no
 * `processBeforeResponse`, and the App acknowledges an Events API envelope before any listener
 * runs, so the ack reaches Slack before the turn is saved. If a Bolt upgrade changes this, this
 * test fails and Socket Mode can get what the HTTP receiver has.
 */
describe('Slack Socket Mode: what Bolt lets Trellis do about acknowledging', () => {
  it('acknowledges a message event before the listener has run, with no option to wait', async () => {
    const receiver = new SocketModeReceiver({ appToken: 'xapp-1-test', logger: quiet });
    const app = new App({ receiver, logger: quiet, authorize: async () => ({ botToken: 'xoxb-test', botId: 'BBOT', botUserId: 'UBOT' }) });
    const order: string[] = [];
    let finish!: () => void;
    const turn = new Promise<void>((resolve) => {
      finish = resolve;
    });
    app.message(async () => {
      order.push('turn started');
      await turn;
      order.push('turn saved');
    });

    let acked!: () => void;
    const ack = new Promise<void>((resolve) => {
      acked = resolve;
    });
    const body = { type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'Ev1', event_time: 1, event: { type: 'message', channel_type: 'im', user: 'U1', text: 'hello', channel: 'D1', ts: '1.000001' } };
    receiver.client.emit('slack_event', {
      body,
      retry_num: 0,
      ack: async () => {
        order.push('acknowledged to Slack');
        acked();
      },
    });
    await ack;
    expect(order).toEqual(['acknowledged to Slack']);
    finish();
    await expect.poll(() => order).toEqual(['acknowledged to Slack', 'turn started', 'turn saved']);
  });
});
