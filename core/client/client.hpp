// Umbrella header of the nutpp NUT network client library (target nutpp_client).
#pragma once

#include "client/connection.hpp"
#include "client/endpoint.hpp"
#include "client/error.hpp"
#include "client/socket.hpp"
