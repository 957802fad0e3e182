// A trial's record (pages/trials.py, msc_atlas/ui/trial_detail.py) opens below the grid, out of sight on most
// screens. Opened by a link (/trials?trial=..., Back or Forward included) it is scrolled to and its heading takes
// the focus, so keyboard and screen-reader users start there; opened by selecting a row, it is scrolled just into
// view as a cue and the focus stays in the grid. The heading says which (data-reveal); this watches the page for a
// record it has not brought into view yet. (A page rendered by the pages router does not run a clientside
// callback's initial call for a store in it, so the DOM is watched instead.) Copy link copies the record's address
// in its absolute form, which only the browser knows.
(function () {
  "use strict";
  var HEADING = "trial-record-heading";
  var COPY = "trial-record-copy";
  var copyHasFocus = false; // Copy link's button had the focus last

  function reveal() {
    var heading = document.getElementById(HEADING);
    if (!heading) {
      return;
    }
    var wanted = heading.getAttribute("data-trial") + " " + heading.getAttribute("data-reveal");
    if (heading.mscRevealed === wanted) {
      return; // this record was brought into view already; the user may have scrolled away since
    }
    heading.mscRevealed = wanted;
    if (heading.getAttribute("data-reveal") === "focus") {
      heading.scrollIntoView({ block: "start" });
      heading.focus({ preventScroll: true });
    } else {
      heading.scrollIntoView({ block: "nearest" });
    }
  }

  // Copy link's button is swapped for "Link copied" and back (dcc.Clipboard's children / copied_children), which
  // drops the focus to the page; it goes back to the button, so a keyboard user stays where they were.
  document.addEventListener("focusin", function (event) {
    copyHasFocus = !!(event.target.closest && event.target.closest("#" + COPY));
  });

  function keepCopyFocus() {
    if (copyHasFocus && (document.activeElement === document.body || !document.activeElement)) {
      var button = document.querySelector("#" + COPY + " button");
      if (button) {
        button.focus({ preventScroll: true });
      }
    }
  }

  new MutationObserver(function () {
    reveal();
    keepCopyFocus();
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-trial"],
  });

  var clientside = (window.dash_clientside = window.dash_clientside || {});
  clientside.trialRecord = {
    copyLink: function (nClicks, href) {
      if (!nClicks || !href) {
        return window.dash_clientside.no_update;
      }
      return new URL(href, window.location.href).href;
    },
  };
})();
