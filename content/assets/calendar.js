// The Roadmap's calendar subscription. Calendar apps cannot log in, so a private host
// (`milepost host`) gives each client a secret subscription address, and answers this
// site's assets/calendar-address.txt with it, behind the client's login. Everywhere else
// (a preview, a public host) that file is empty, and the page keeps its calendar.ics link.
// Milepost's own script, served from the site: no third-party code.
(function () {
  "use strict";
  var FEED = /^\/_feeds\/[0-9a-f]{40}\/calendar\.ics$/;
  var box = document.getElementById("mp-subscribe");
  // a page opened from disk has no server to ask (and file: cannot be fetched)
  if (!box || !window.fetch || !/^https?:$/.test(location.protocol)) return;

  function show(path) {
    var address = location.protocol + "//" + location.host + path;
    var webcal = "webcal://" + location.host + path;
    box.querySelector("[data-mp-webcal]").setAttribute("href", webcal);
    box.querySelector("[data-mp-address]").textContent = address;
    // the page's own calendar link now subscribes too, rather than download a copy
    document.querySelectorAll('a[href="calendar.ics"]').forEach(function (link) {
      link.setAttribute("href", webcal);
    });
    var copy = box.querySelector("[data-mp-copy]");
    copy.addEventListener("click", function () {
      var done = function () { copy.textContent = copy.getAttribute("data-done"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(address).then(done, select);
      } else {
        select();
      }
    });
    box.hidden = false;
  }

  // Where the clipboard is out of reach (plain HTTP), the address is selected for Ctrl+C.
  function select() {
    var range = document.createRange();
    range.selectNodeContents(box.querySelector("[data-mp-address]"));
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  fetch(box.getAttribute("data-address"), {credentials: "same-origin", cache: "no-store"})
    .then(function (answer) { return answer.ok ? answer.text() : ""; })
    .then(function (text) {
      var path = text.trim();
      if (FEED.test(path)) show(path);
    })
    .catch(function () {});  // no address: the page stays as it was
})();
