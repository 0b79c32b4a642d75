/*
 * The customer chat page: botfront's rasa-webchat (web/package.json) on Rasa's socket.io channel.
 * window.PAYBOT_WEB_CHAT comes from /config.js (web/serve.py, setting WEB_CHAT_SOCKET_URL).
 */
(function () {
  'use strict';

  // Korean phone numbers in the bot's answers: 1577-1940 (대표번호), 02-123-4567, 010-1234-5678.
  // Not inside a word, a URL or an existing Markdown link (no [ / : . - or letter/digit around it).
  var PHONE_NUMBER = /(^|[^0-9A-Za-z_[\/:.-])(1[5-9][0-9]{2}-[0-9]{4}|0[0-9]{1,2}-[0-9]{3,4}-[0-9]{4})(?![0-9A-Za-z_\]-])/g;
  // Links a customer may follow from a message; anything else (javascript:, data:, ...) is blocked.
  var SAFE_LINK_PROTOCOLS = ['http:', 'https:', 'tel:', 'mailto:'];

  /**
   * Turns each phone number of a bot text into a Markdown tel: link, which the widget renders as
   * <a href="tel:15771940">1577-1940</a>. Only digits and dashes go into the link, so nothing else
   * of the text changes meaning.
   */
  function linkPhoneNumbers(text) {
    if (typeof text !== 'string') {
      return text;
    }
    return text.replace(PHONE_NUMBER, function (match, before, number) {
      return before + '[' + number + '](tel:' + number.replace(/-/g, '') + ')';
    });
  }

  /**
   * Runs before the widget's own bot_uttered handler (it registers onSocketEvent handlers first)
   * and rewrites the message in place, so the widget stores and shows the linked text; the stored
   * conversation keeps the links after a reload.
   */
  function onBotUttered(message) {
    if (message && typeof message.text === 'string') {
      message.text = linkPhoneNumbers(message.text);
    }
  }

  /** Blocks clicks on links whose protocol is not a safe one (e.g. javascript: typed by a user). */
  function blockUnsafeLinks(container) {
    container.addEventListener('click', function (event) {
      var link = event.target instanceof Element ? event.target.closest('a[href]') : null;
      if (link && SAFE_LINK_PROTOCOLS.indexOf(link.protocol) === -1) {
        event.preventDefault();
        event.stopPropagation();
      }
    }, true);
  }

  /** How long the typing indicator shows before each bot message: longer texts, a little longer. */
  function typingDelay(text) {
    var length = typeof text === 'string' ? text.length : 0;
    return Math.min(1200, Math.max(500, length * 8));
  }

  var container = document.getElementById('webchat');
  var config = window.PAYBOT_WEB_CHAT || {};
  blockUnsafeLinks(container);

  window.WebChat.default({
    socketUrl: config.socketUrl,
    socketPath: '/socket.io/',
    initPayload: '/greet',
    title: '결제 고객지원',
    subtitle: '결제·송금·환불 문의를 도와드려요',
    inputTextFieldHint: '메시지를 입력하세요',
    connectingText: '연결하고 있어요…',
    embedded: true,
    showCloseButton: false,
    showFullScreenButton: false,
    hideWhenNotConnected: false,
    withRules: false,
    // The conversation (and its session id) is kept in localStorage: a reload shows it again and,
    // with session_persistence in credentials.yml, the bot goes on with the same conversation.
    params: { storage: 'local' },
    customMessageDelay: typingDelay,
    onSocketEvent: { bot_uttered: onBotUttered },
    mainColor: '#1b5fd1',
    userBackgroundColor: '#1b5fd1',
    userTextColor: '#ffffff'
  }, container);

  // Exposed for the browser test and for debugging in the console; nothing depends on it.
  window.paybotWebChat = { linkPhoneNumbers: linkPhoneNumbers };
}());
