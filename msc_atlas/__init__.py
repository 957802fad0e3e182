"""MSC Trials Atlas: data, filters and figures for the MSC / MSC-EV clinical-trial dashboard."""
