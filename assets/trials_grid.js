// The trials grid asks the server for its rows a block at a time (AG Grid's infinite row model, pages/trials.py);
// the server reads the shared filter (its search text included) with every request and says which filter it served
// rows for. The rows the grid holds must be those of the current filter: when they are not, go back to the first
// page and drop the blocks, so the grid asks again (every request after that reads the current filter).
//
// Which values the grid's rows are for: those of its last reload; before its first, those the server last served
// (nothing is decided before the first answer, which reads the filter when it is sent). So a filter store written
// again with the same value, as on arriving at the page, reloads nothing, and a first request that read the filter
// just before the page's URL set it is followed by one reload. Returns the time, for the page's store that this
// callback writes (an output on the Trials page keeps the callback from running on other pages).
(function () {
  "use strict";
  var clientside = (window.dash_clientside = window.dash_clientside || {});
  clientside.trialsGrid = {
    reconcile: function (filter, served, gridId) {
      var wanted = JSON.stringify(filter);
      var servedFor = served ? JSON.stringify(served.filter) : null;
      if (gridId && window.dash_ag_grid && window.dash_ag_grid.getApiAsync) {
        window.dash_ag_grid.getApiAsync(gridId).then(function (api) {
          if (!api || api.isDestroyed()) {
            return;
          }
          var holds = api.mscTrialsRowsFor === undefined ? servedFor : api.mscTrialsRowsFor;
          if (holds === null) {
            return; // no answer yet: decide when the first one arrives
          }
          api.mscTrialsRowsFor = wanted;
          if (holds !== wanted) {
            api.paginationGoToFirstPage();
            api.purgeInfiniteCache();
          }
        });
      }
      return Date.now();
    },
  };
})();
