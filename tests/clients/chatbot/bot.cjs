// A bot built on RingCentral's bot framework, ringcentral-chatbot-core 1.6.1 from npm, unchanged,
// pointed at openglip. The framework serves /bot/oauth (the install: it exchanges the code and
// subscribes a WebHook to /bot/webhook) and /bot/webhook (events: BotAdded, BotJoinGroup,
// Message4Bot, Message4Others, BotRemoved, ...). This bot answers what is said to it
// ("You said: <text>") and nothing else, and lets the test read what the framework told it:
//   GET /scenario/events  the events the framework handed to the bot, in order
//   GET /scenario/bots    the bots in the framework's database
//   POST /scenario/stop   drops the database and exits (so does closing stdin)
//
// The framework keeps its bots in a database through Sequelize: a fresh PostgreSQL database per
// run, dropped at the end.
//
// Environment: OPENGLIP_CHATBOT_PORT, RINGCENTRAL_SERVER, RINGCENTRAL_CHATBOT_SERVER (this
// server's URL), RINGCENTRAL_CHATBOT_CLIENT_ID, RINGCENTRAL_CHATBOT_CLIENT_SECRET, and
// OPENGLIP_POSTGRES (a database URL to create the run's database from; default
// postgres://postgres@127.0.0.1:5432/postgres).
'use strict';

const {Client} = require('pg');
const express = require('express');

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

const PORT = Number(env('OPENGLIP_CHATBOT_PORT'));
for (const name of [
  'RINGCENTRAL_SERVER',
  'RINGCENTRAL_CHATBOT_SERVER',
  'RINGCENTRAL_CHATBOT_CLIENT_ID',
  'RINGCENTRAL_CHATBOT_CLIENT_SECRET',
]) {
  env(name);
}
const ADMIN_URL = process.env.OPENGLIP_POSTGRES || 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `openglip_chatbot_${process.pid}_${Date.now()}`;

async function main() {
  const admin = new Client({connectionString: ADMIN_URL});
  try {
    await admin.connect();
  } catch (e) {
    console.error(`cannot reach PostgreSQL at ${ADMIN_URL} (set OPENGLIP_POSTGRES): ${e.message}`);
    process.exit(3);
  }
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  // The framework opens its database when it is first loaded, from this variable.
  process.env.RINGCENTRAL_CHATBOT_DATABASE_CONNECTION_URI = url.toString();
  const {extendApp} = require('ringcentral-chatbot-core');
  const {Bot} = require('ringcentral-chatbot-core/dist/models').default;
  await Bot.sync();

  const events = [];
  const handle = async event => {
    const {type, bot, group, text, isPrivateChat, userId} = event;
    events.push({
      type,
      botId: bot ? String(bot.id) : null,
      groupId: group ? String(group.id) : null,
      text: text === undefined ? null : text,
      isPrivateChat: isPrivateChat === undefined ? null : isPrivateChat,
      userId: userId === undefined ? null : String(userId),
    });
    console.log(`event ${type}${text ? `: ${text}` : ''}`);
    if (type === 'Message4Bot') {
      await bot.sendMessage(group.id, {text: `You said: ${text}`});
    }
  };

  const app = express();
  extendApp(app, [], handle);
  app.get('/scenario/events', (req, res) => res.json(events));
  app.get('/scenario/bots', async (req, res, next) => {
    try {
      res.json((await Bot.findAll()).map(b => String(b.id)));
    } catch (e) {
      next(e);
    }
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    try {
      await Bot.sequelize.close();
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
      await admin.end();
    } catch (e) {
      console.error(`cleaning up: ${e.message}`);
    }
    process.exit(0);
  };
  app.post('/scenario/stop', (req, res) => {
    res.send('stopping');
    stop();
  });
  const server = app.listen(PORT, '127.0.0.1', () => console.log(`chatbot listening on ${PORT}`));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The test holds our stdin: when it ends (or dies), so do we.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
