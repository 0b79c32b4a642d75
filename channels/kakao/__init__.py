"""The KakaoTalk channel: Rasa as the skill server of a Kakao i Open Builder chatbot.

``POST /webhooks/kakao/webhook?token=...`` takes Open Builder's skill request and answers in its
skill response format (see :mod:`channels.kakao.render`), inside Kakao's 5-second limit:

- **Authenticity.** Open Builder does not sign requests, so the skill URL carries a secret
  (``KAKAO_SKILL_TOKEN``) as ``?token=`` or an ``X-Skill-Token`` header, compared in constant time;
  ``KAKAO_BOT_ID`` can also restrict which bots may call. Without a valid token: 401, the bot is not
  run. With no token configured the channel refuses everything and says so in the start-up log
  (:mod:`channels.kakao.auth`).
- **Time.** Each message becomes a *turn* that runs in the background. Its deadline is
  ``KAKAO_TIME_BUDGET_S`` (at most 4.0 s) after the request *arrived* (when Sanic read its bytes, not
  when the handler got to run: :mod:`channels.kakao.deadline`), and a timer answers for it then: with an
  allowed ``callbackUrl`` ``useCallback`` at once, the answer POSTed to the callback URL exactly once
  later (an apology if the bot is still busy after ``CALLBACK_DEADLINE_S``); without, the guide's apology
  with the phone number, and the late answer stays in the tracker. An answer that comes after the
  deadline is never sent inline (:mod:`channels.kakao.turns`).
- **Load.** One process works on at most ``KAKAO_MAX_CONCURRENT_TURNS`` turns at once; a turn that
  could no longer finish before its deadline (the time left is less than a turn takes now) is not
  started: without a callback it is answered with the apology at once and never reaches the bot.
  So every request is answered within about 4.5 s of its arrival, however busy the server is.
- **Order.** One customer's turns run one after another, in arrival order, each only after the one
  before it was delivered (including its callback), so answers never overtake each other; a customer
  has at most ``KAKAO_MAX_QUEUED_PER_USER`` messages waiting, and a further one is answered at once
  with the guide's ``kakao_busy_wait`` and not read (refused rather than merged: a merged message would
  be understood as one question, and a quick-reply tap inside it lost). With ``LOCK_STORE_TYPE=redis``
  the queues and the remembered quick replies are shared through Redis by every Rasa process
  (:mod:`channels.kakao.order`, :mod:`channels.kakao.offers`), so a customer whose messages land on two
  servers is still answered in order and a tap is recognised anywhere.
- **Input.** Malformed requests get a 400 JSON error (:mod:`channels.kakao.models`); the text goes
  through :mod:`channels.guard` (cleaning, media, commands, limits, personal-data masking) like every
  channel's. A photo, video or sticker (the utterance is its address or a placeholder,
  ``userRequest.params.media``, the secure-image plugin's parameter) is answered from the guide without
  NLU (:mod:`channels.kakao.answers`). ``KAKAO_BOT_ID`` matches a bot id with or without Kakao's
  trailing "!".
- **Callbacks** go only to ``KAKAO_CALLBACK_HOSTS`` over https (:mod:`channels.kakao.callback`), once,
  with a time limit and no redirects; a callbackUrl elsewhere is not used.

Customer ids are prefixed ``kakao:`` so they never collide with other channels' senders.

The blueprint and the settings it reads are :mod:`channels.kakao.input`; importing the package changes
nothing in Rasa or anywhere else (``credentials.yml`` names ``channels.kakao.KakaoInput``).
"""

from channels.kakao.input import MAX_TIME_BUDGET_S, KakaoInput

__all__ = ["KakaoInput", "MAX_TIME_BUDGET_S"]
