// Mechanism page: dash-cytoscape 1.0.2 always hands cytoscape.js a `wheelSensitivity` (its default prop is 1, the
// same as cytoscape's own default), and cytoscape.js 3.x warns "You have set a custom wheel sensitivity" whenever
// the option is passed at all, even at its default. Python cannot leave a prop undefined (None arrives as null,
// which cytoscape also counts as set), so that one warning, about a value that is not custom, is dropped here;
// every other console.warn passes through unchanged.
(function () {
    const original = console.warn.bind(console);
    console.warn = function (...args) {
        if (typeof args[0] === "string" && args[0].startsWith("You have set a custom wheel sensitivity")) {
            return;
        }
        original(...args);
    };
})();
