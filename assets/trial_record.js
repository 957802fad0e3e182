// A trial's record (pages/trials.py, msc_atlas/ui/trial_detail.py) opens below the grid, out of sight on most
// screens. Opened by a link (/trials?trial=...), it is scrolled to and its heading takes the focus, so keyboard and
// screen-reader users start there; opened by selecting a row, it is scrolled just into view as a cue, and the focus
// stays in the grid. Copy link copies the record's address in its absolute form, which only the browser knows.
(function () {
  "use strict";
  var HEADING = "trial-record-heading";
  var LINK = "trial-record-link";
  var clientside = (window.dash_clientside = window.dash_clientside || {});
  clientside.trialRecord = {
    reveal: function (asked) {
      if (!asked || !asked.trial) {
        return window.dash_clientside.no_update;
      }
      var tries = 0;
      var attempt = function () {
        var heading = document.getElementById(HEADING);
        var link = document.getElementById(LINK);
        // the record of the asked trial, not the one it replaces
        if (!heading || !link || link.getAttribute("data-trial") !== asked.trial) {
          if (tries++ < 50) {
            window.requestAnimationFrame(attempt);
          }
          return;
        }
        if (asked.focus) {
          heading.scrollIntoView({ block: "start" });
          heading.focus({ preventScroll: true });
        } else {
          heading.scrollIntoView({ block: "nearest" });
        }
      };
      window.requestAnimationFrame(attempt);
      return asked.trial;
    },
    copyLink: function (nClicks, href) {
      if (!nClicks || !href) {
        return window.dash_clientside.no_update;
      }
      return new URL(href, window.location.href).href;
    },
  };
})();
