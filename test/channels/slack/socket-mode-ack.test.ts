import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { ackEventsAfterProcessing } from '../../../src/channels/slack/slack-channel.ts';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };
const authorize = async () => ({ botToken: 'xoxb-test', botId: 'BBOT', botUserId: 'UBOT' });
const messageEnvelope = { type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'Ev1', event_time: 1, event: { type: 'message', channel_type: 'im', user: 'U1', text: 'hello', channel: 'D1', ts: '1.000001' } };

/** A Bolt app on a real SocketModeReceiver; the socket itself is replaced by emitting its `slack_event`. */
function socketApp(deferAcks: boolean) {
  const order: string[] = [];
  // Bolt's default for a failed event: acknowledge only an authorization failure. Recorded, so a
  // test knows the receiver has finished with a failed event.
  const processEventErrorHandler = async ({ error }: { error: Error }) => {
    order.push(`failed: ${error.message}`);
    return false;
  };
  const receiver = new SocketModeReceiver({ appToken: 'xapp-1-test', logger: quiet, processEventErrorHandler });
  const app = new App({ receiver, logger: quiet, authorize });
  if (deferAcks) app.processEvent = ackEventsAfterProcessing(app.processEvent.bind(app));
  let acks = 0;
  const deliver = (body: Record<string, unknown>) =>
    receiver.client.emit('slack_event', {
      body,
      retry_num: 0,
      ack: async () => {
        acks += 1;
        order.push('acknowledged to Slack');
      },
    });
  return { app, order, deliver, acks: () => acks };
}

/** A message listener whose turn is held open until `open()`: it records starting and saving. */
function heldTurn(app: App, order: string[]): { open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  app.message(async () => {
    order.push('turn started');
    await opened;
    order.push('turn saved');
  });
  return { open };
}

describe('Slack Socket Mode: a message is acknowledged only after its turn is saved', () => {
  it('Bolt on its own acknowledges a message event before the listener has run (why Trellis wraps it)', async () => {
    const { app, order, deliver } = socketApp(false);
    const turn = heldTurn(app, order);
    deliver(messageEnvelope);
    await expect.poll(() => order).toEqual(['acknowledged to Slack', 'turn started']);
    turn.open();
    await expect.poll(() => order).toEqual(['acknowledged to Slack', 'turn started', 'turn saved']);
  });

  it('with Trellis acknowledging after processing, the ack follows the saved turn, once', async () => {
    const { app, order, deliver, acks } = socketApp(true);
    const turn = heldTurn(app, order);
    deliver(messageEnvelope);
    await expect.poll(() => order).toEqual(['turn started']);
    turn.open();
    await expect.poll(() => order).toEqual(['turn started', 'turn saved', 'acknowledged to Slack']);
    expect(acks()).toBe(1);
  });

  it('a turn that fails (the database is down) is not acknowledged, so Slack sends the message again', async () => {
    const { app, order, deliver, acks } = socketApp(true);
    app.message(async () => {
      order.push('turn started');
      throw new Error('database unreachable');
    });
    // As SlackChannel does: a listener's error is rethrown, so processing fails.
    app.error(async (error) => {
      throw error;
    });
    deliver(messageEnvelope);
    await expect.poll(() => order).toEqual(['turn started', 'failed: database unreachable']);
    expect(acks()).toBe(0);
  });

  it('a slash command keeps acknowledging itself, from its listener, after its commit', async () => {
    const { app, order, deliver, acks } = socketApp(true);
    app.command('/growth', async ({ ack }) => {
      order.push('command saved');
      await ack();
      order.push('after ack');
    });
    deliver({ command: '/growth', text: 'status', team_id: 'T1', user_id: 'U1', channel_id: 'D1', response_url: 'https://hooks.slack.com/commands/T1/1/x', trigger_id: '1.2.3', api_app_id: 'A1', token: 'x' });
    await expect.poll(() => order).toEqual(['command saved', 'acknowledged to Slack', 'after ack']);
    expect(acks()).toBe(1);
  });
});
