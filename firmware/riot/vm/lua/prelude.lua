local sys = __vmfleet_sys
__vmfleet_sys = nil
local yield = coroutine.yield
local tostring, select, concat, type, error = tostring, select, table.concat, type, error
local getinfo, getlocal, registry = debug.getinfo, debug.getlocal, debug.getregistry()
local handlers = {}
registry.vmfleet_handlers = handlers

local function handler(fn, what)
  if type(fn) ~= "function" then error(what .. ": the handler must be a function", 3) end
  handlers[#handlers + 1] = fn
  return #handlers - 1
end

function print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  sys.print(concat(parts, "\t") .. "\n")
end
function write(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  sys.print(concat(parts))
end
function publish(name, value) sys.publish(name, value) end
function time_ms() return sys.time_ms() end
function sleep_ms(ms) sys.sleep_ms(ms) yield() end
function exit(code) sys.exit(code or 0) end

hal = {
  probe = function(sensor) return sys.hal_probe(sensor) end,
  read = function(sensor, index) return sys.hal_read(sensor, index or 0) end,
  write = function(actuator, index, value) return sys.hal_write(actuator, index, value) end,
}
events = {
  on = function(event, fn) return sys.on(event, handler(fn, "events.on")) end,
  on_condition = function(sensor, index, op, threshold, period_ms, fn)
    return sys.on_condition(sensor, index, op, threshold, period_ms, handler(fn, "events.on_condition"))
  end,
  emit = function(id, value) sys.emit(id, value or 0) end,
}

-- The inspector: line and locals of the innermost guest frame of a coroutine.
registry.vmfleet_inspect = function(co)
  for level = 0, 64 do
    local info = getinfo(co, level, "Sl")
    if not info then break end
    if info.source == "=guest" then
      local out = { tostring(info.currentline) }
      for i = 1, 200 do
        local name, value = getlocal(co, level, i)
        if not name then break end
        if name:sub(1, 1) ~= "(" then out[#out + 1] = name .. "=" .. tostring(value) end
      end
      return concat(out, "\n")
    end
  end
  return "0"
end

io, os, package, require, dofile, loadfile, debug = nil, nil, nil, nil, nil, nil, nil
