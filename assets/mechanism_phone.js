// Mechanism page on a phone: the whole diagram fits a 390 px screen only at a size too small to read, so the text
// version (every arrow as a sentence) starts open there; the diagram stays above it to pinch and pan.
(function () {
    const clientside = (window.dash_clientside = window.dash_clientside || {});
    clientside.mechanismPhone = {
        // Input: the <details>' id (a value that never changes: the callback runs once, when the page appears).
        openOnPhone: function () {
            return window.matchMedia("(max-width: 575.98px)").matches;
        },
    };
})();
