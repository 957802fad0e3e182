// Small accessibility fixes for Dash 4.4.1's own components (dash-core-components), each naming the axe-core rule
// (WCAG 2.1 A/AA) it fixes; tests/test_browser_a11y.py runs axe on every page. Companion CSS: 20-a11y.css.
//
// dcc.Dropdown, closed - "aria-hidden-focus": its Tab stop is a proxy <input class="dash-dropdown-focus-target"
//   aria-hidden="true" tabindex="0"> that hands focus on to the real trigger <button tabindex="-1">, added so that
//   Safari, whose Tab key skips buttons by default, reaches the dropdown (plotly/dash#3673, fixed by #3740). A
//   focusable element hidden from assistive technology is announced as nothing. Here the trigger button is the Tab
//   stop itself, with an explicit tabindex="0" (WebKit puts a form control with an explicit tabindex in the Tab
//   order whatever the "full keyboard access" setting), and 20-a11y.css takes the proxy out.
//   Dash names the button by its value alone (aria-labelledby = the value): a screen reader said "Any country" with
//   no field name. The dropdown's <label for=...> is put first.
// dcc.Dropdown, open - "nested-interactive" and "aria-input-field-name": each option is a <label role="option">
//   around the <input type="checkbox|radio"> that takes the keyboard focus (an option's content is presentational),
//   in an unnamed listbox. The roles are dropped, which leaves native, labelled checkboxes / radio buttons in a
//   group named by the dropdown's label, inside the popup dialog (so the trigger says aria-haspopup="dialog").
// dcc.RangeSlider - "label": its "type a value" number inputs (shown when the slider is wide, e.g. on phones) have
//   no name. They are named from the group around the slider and the thumb they move ("Minimum" / "Maximum").
//
// React leaves attributes alone while their props do not change; a MutationObserver re-applies the fixes to whatever
// mounts or re-renders (before the browser paints: observer callbacks run as microtasks).
(function () {
  "use strict";

  function labelFor(id) {
    var label = id ? document.querySelector('label[for="' + CSS.escape(id) + '"]') : null;
    if (label && !label.id) {
      label.id = id + "-label";
    }
    return label;
  }

  function fixDropdownTrigger(button) {
    if (button.getAttribute("tabindex") !== "0") {
      button.setAttribute("tabindex", "0");
    }
    if (button.getAttribute("aria-haspopup") !== "dialog") {
      button.setAttribute("aria-haspopup", "dialog");
    }
    var label = labelFor(button.id);
    if (label) {
      var names = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      if (names[0] !== label.id) {
        button.setAttribute("aria-labelledby", [label.id].concat(names.filter(function (n) {
          return n !== label.id;
        })).join(" "));
      }
    }
  }

  function fixDropdownPopup(content) {
    var wrapper = content.closest(".dash-dropdown-wrapper");
    var button = wrapper && wrapper.querySelector("button.dash-dropdown");
    var label = button && labelFor(button.id);
    content.querySelectorAll("[role='option'], [aria-selected]").forEach(function (option) {
      option.removeAttribute("role");
      option.removeAttribute("aria-selected");
    });
    content.querySelectorAll(".dash-options-list").forEach(function (list) {
      if (list.getAttribute("role") !== "group") {
        list.setAttribute("role", "group");
      }
      if (label && list.getAttribute("aria-labelledby") !== label.id) {
        list.setAttribute("aria-labelledby", label.id);
      }
    });
    if (label && content.getAttribute("aria-labelledby") !== label.id) {
      content.setAttribute("aria-labelledby", label.id);
    }
  }

  function fixSliderInputs(container) {
    var group = container.closest("[role='group'][aria-labelledby]");
    var heading = group && document.getElementById(group.getAttribute("aria-labelledby"));
    var prefix = heading ? heading.textContent.trim() + ", " : "";
    [["min", 0, "minimum"], ["max", 1, "maximum"]].forEach(function (end) {
      var input = container.querySelector(".dash-range-slider-" + end[0] + "-input");
      var thumb = container.querySelectorAll("[role='slider']")[end[1]];
      var name = prefix + ((thumb && thumb.getAttribute("aria-label")) || end[2]).toLowerCase();
      if (input && input.getAttribute("aria-label") !== name) {
        input.setAttribute("aria-label", name);
      }
    });
  }

  function fixAll() {
    document.querySelectorAll("button.dash-dropdown").forEach(fixDropdownTrigger);
    document.querySelectorAll(".dash-dropdown-content").forEach(fixDropdownPopup);
    document.querySelectorAll(".dash-slider-container").forEach(fixSliderInputs);
  }

  new MutationObserver(fixAll).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["role", "aria-selected", "tabindex"],
  });
  fixAll();
})();
