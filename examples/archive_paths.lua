-- wrk script for examples/pywb_bench.sh: each request asks for a random one of the URLs that
-- `warc_bench` stored (https://example.org/statements/{p}, 5 versions each, version v
-- captured at 2025-01-01 00:00:00 UTC + v days + p seconds).
--
--   wrk ... -s examples/archive_paths.lua URL -- KIND PREFIX URLS
--
-- KIND: timemap (PREFIX/timemap/link/{url}), cdx (PREFIX?url={url}) or memento
-- (PREFIX/{timestamp}id_/{url}). PREFIX: /web or /cdx on Provenance, /bench or /bench/cdx on
-- pywb. Counts answers other than 200 so the script's caller can refuse a run that had any.
local kind, prefix, urls
local first_capture = 1735689600 -- 2025-01-01T00:00:00Z

function init(args)
  kind, prefix, urls = args[1], args[2], tonumber(args[3])
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

function request()
  local p = math.random(0, urls - 1)
  local url = "https://example.org/statements/" .. p
  local path
  if kind == "timemap" then
    path = prefix .. "/timemap/link/" .. url
  elseif kind == "cdx" then
    path = prefix .. "?url=" .. url
  else
    local at = first_capture + math.random(0, 4) * 86400 + p
    path = prefix .. "/" .. os.date("!%Y%m%d%H%M%S", at) .. "id_/" .. url
  end
  return wrk.format("GET", path)
end
