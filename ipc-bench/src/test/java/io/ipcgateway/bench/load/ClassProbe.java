package io.ipcgateway.bench.load;

/**
 * Main class of a child JVM in {@link ChildClassPathTest}: prints whether each class named in its arguments can
 * be loaded with the class path it was started with.
 */
public final class ClassProbe
{
    private ClassProbe()
    {
    }

    /**
     * Print {@code <class> loaded} or {@code <class> missing} per argument.
     *
     * @param args class names.
     */
    public static void main(final String[] args)
    {
        for (final String name : args)
        {
            boolean loaded;
            try
            {
                Class.forName(name, false, ClassProbe.class.getClassLoader());
                loaded = true;
            }
            catch (final ClassNotFoundException ex)
            {
                loaded = false;
            }
            System.out.println(name + (loaded ? " loaded" : " missing"));
        }
    }
}
