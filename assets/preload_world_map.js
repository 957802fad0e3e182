// The overview's world map: fetch its topojson while plotly.js (4.8 MB) is still loading, and hand it to plotly
// through the global it looks in before fetching (PlotlyGeoAssets.topojson), so the map draws without waiting for
// a second request. Same origin only; on any failure plotly fetches the file itself, as before.
(function () {
  if (window.location.pathname !== "/") {
    return;
  }
  fetch("/assets/topojson/world_110m.json", { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (topojson) {
      if (!topojson) {
        return;
      }
      window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} };
      window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};
      if (!window.PlotlyGeoAssets.topojson.world_110m) {
        window.PlotlyGeoAssets.topojson.world_110m = topojson;
      }
    })
    .catch(function () {});
})();
