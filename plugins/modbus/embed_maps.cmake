# Writes a .cpp holding every maps/*.yaml as a raw string (builtin_maps()), so the plugin carries its
# built-in maps and they stay editable as YAML. Run as: cmake -DOUT=<file> -DMAPS=<a;b> -P embed_maps.cmake
set(_body "// Generated from plugins/modbus/maps/*.yaml by embed_maps.cmake: do not edit.\n#include \"register_map.hpp\"\nnamespace nutpp::modbus {\nconst std::vector<BuiltinMap> &builtin_maps() {\n    static const std::vector<BuiltinMap> maps = {\n")
foreach(_f IN LISTS MAPS)
  get_filename_component(_name ${_f} NAME_WE)
  file(READ ${_f} _text)
  string(APPEND _body "        {\"${_name}\", R\"nutppmap(${_text})nutppmap\"},\n")
endforeach()
string(APPEND _body "    };\n    return maps;\n}\n} // namespace nutpp::modbus\n")
file(WRITE ${OUT}.tmp "${_body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
