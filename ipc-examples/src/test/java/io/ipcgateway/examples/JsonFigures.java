package io.ipcgateway.examples;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads a client's JSON figures as a map, whole numbers as {@link Long}, for assertions. */
final class JsonFigures
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private JsonFigures()
    {
    }

    static Map<String, Object> parse(final String text) throws JsonProcessingException
    {
        return JSON.readValue(text, new TypeReference<>()
        {
        });
    }
}
